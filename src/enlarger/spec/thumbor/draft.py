"""What a thumbor URL asks for while it is being read: the render and the request extras."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum

from enlarger.spec.model import RenderSpec
from enlarger.spec.paths import replace_at, value_at


class Status(StrEnum):
    """How Enlarger answers a grammar part or filter (the compatibility table's column)."""

    SUPPORTED = "supported"
    #: accepted and nothing to do: Enlarger already does what it asks.
    ALWAYS = "always on"
    #: a 400 that says so; see the note.
    NOT_YET = "not supported yet"


@dataclass(frozen=True, slots=True)
class Draft:
    """A thumbor render being built: the spec, plus what is not part of the image."""

    spec: RenderSpec = field(default_factory=RenderSpec)
    #: seconds for Cache-Control (``max_age()``); None: the server's setting.
    max_age: int | None = None
    #: answer the render's geometry as JSON (``meta/``).
    meta: bool = False

    def set(self, path: str, value: object) -> Draft:
        """The draft with the spec field at dotted ``path`` set (``geometry.fit``)."""
        return dataclasses.replace(self, spec=replace_at(self.spec, tuple(path.split(".")), value))

    def get(self, path: str) -> object:
        return value_at(self.spec, tuple(path.split(".")))
