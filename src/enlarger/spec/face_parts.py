"""What a render asks of the faces in its source (imgix ``fit=facearea``, ``facepad``,
``faceindex``). ``crop=faces`` is a ``Crop`` value and ``faces=1`` an ``Output`` flag;
the faces themselves are found on pixels by ``imaging/faces.py``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FaceArea:
    """Show the faces, padded, at the requested size (imgix ``fit=facearea``).

    ``pad`` scales each face's box about its centre before they are joined (1: the box
    itself); ``index`` picks one face, 1-based, largest first (None: all of them). When
    no face is found, or there is no ``index``-th face, the geometry's ``fit`` applies
    as it stands (``fit=facearea,fill`` names it; plain ``facearea``: ``crop``).
    """

    pad: float = 1.0
    index: int | None = None
