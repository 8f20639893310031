"""imgix's client hints (``ch=Width,DPR,Save-Data``): request headers that fill in a render.

The URL opts in; the browser sends the hints the page asked for (``Accept-CH``), in
their legacy (``Width``) or ``Sec-CH-`` spelling. Rules, as imgix applies them:

* ``Width`` (device pixels) becomes ``w`` when the URL gives no ``w``. It already
  counts the device pixel ratio, so ``DPR`` is then not applied on top of it.
* ``DPR`` becomes ``dpr`` when the URL gives none (and ``Width`` was not used).
* ``Save-Data: on`` lowers the quality to ``SAVE_DATA_QUALITY`` (or keeps a lower ``q``).

The hinted spec is what is rendered, so its canonical string (ETag, result keys) has
the values used; responses say ``Vary`` on every hint the URL named.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping

from enlarger.spec.model import Extent, RenderSpec

SAVE_DATA_QUALITY = 45
_MAX_WIDTH = 8192
_MAX_DPR = 5.0


class ClientHint(enum.StrEnum):
    """A hint by its ``ch=`` name (imgix's list spells them in lower case; any case works)."""

    WIDTH = "width"
    DPR = "dpr"
    SAVE_DATA = "save-data"

    @property
    def headers(self) -> tuple[str, ...]:
        """The request headers that carry it (the legacy name first)."""
        return _HEADERS[self]


_HEADERS = {
    ClientHint.WIDTH: ("Width", "Sec-CH-Width"),
    ClientHint.DPR: ("DPR", "Sec-CH-DPR"),
    ClientHint.SAVE_DATA: ("Save-Data",),
}


def apply_hints(
    spec: RenderSpec, hints: frozenset[ClientHint], headers: Mapping[str, str]
) -> RenderSpec:
    """``spec`` with the values of the hints the URL named and the request carries
    (``headers`` looks names up regardless of case, as Starlette's do)."""

    def value(hint: ClientHint, read: Callable[[str], float | None]) -> float | None:
        if hint not in hints:
            return None
        raw = next((headers[name] for name in hint.headers if name in headers), None)
        return None if raw is None else read(raw.strip())

    geometry, output = spec.geometry, spec.output
    width = value(ClientHint.WIDTH, _width) if geometry.w is None else None
    if width is not None:
        geometry = dataclasses.replace(geometry, w=Extent(width))
    elif geometry.dpr == 1.0 and (dpr := value(ClientHint.DPR, _dpr)) is not None:
        geometry = dataclasses.replace(geometry, dpr=dpr)
    if value(ClientHint.SAVE_DATA, _save_data):
        output = dataclasses.replace(output, q=min(output.q or 100, SAVE_DATA_QUALITY))
    if geometry is spec.geometry and output is spec.output:
        return spec  # the same object: its canonical form, already known, stands
    return dataclasses.replace(spec, geometry=geometry, output=output)


def accept_ch(hints: frozenset[ClientHint]) -> str:
    """The ``Accept-CH`` value that asks browsers for ``hints``."""
    return ", ".join(hint.headers[0] for hint in ClientHint if hint in hints)


def vary_on(hints: frozenset[ClientHint]) -> list[str]:
    """The request headers a response varies on for ``hints``, in a stable order."""
    return [name for hint in ClientHint if hint in hints for name in hint.headers]


def _width(raw: str) -> float | None:
    return float(raw) if raw.isdigit() and 1 <= int(raw) <= _MAX_WIDTH else None


def _dpr(raw: str) -> float | None:
    try:
        dpr = float(raw)
    except ValueError:
        return None
    return round(dpr, 2) if 0 < dpr <= _MAX_DPR else None


def _save_data(raw: str) -> float | None:
    return 1.0 if raw.lower() == "on" else None
