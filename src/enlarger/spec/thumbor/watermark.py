"""thumbor's ``watermark(image, x, y, alpha[, w_ratio, h_ratio])`` -> ``effects.watermark``.

* ``image``: a path in the main image's origin (thumbor fetches any URL; Enlarger draws
  only images it serves, so a URL with a scheme is a 400).
* ``x``/``y``: pixels from the left/top, ``-N`` from the right/bottom, ``Np``/``-Np``
  the same in percent of the output's side, ``center``, or ``repeat`` (tiled).
* ``alpha``: transparency in percent (0 opaque, 100 invisible).
* ``w_ratio``/``h_ratio``: the most of the output's width/height, in percent, the mark
  may cover (scaled to fit); ``none`` or absent: not bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.model import Extent, MarkPlacement, Watermark
from enlarger.spec.thumbor.draft import Draft

_OFFSET = re.compile(r"(-?)(\d{1,6})(p?)")
_WORDS = {"center": MarkPlacement.CENTER, "repeat": MarkPlacement.TILE}


@dataclass(frozen=True, slots=True)
class MarkPosition:
    """One axis of a thumbor watermark position -> (placement, offset)."""

    @property
    def expected(self) -> str:
        return "pixels (-N from the far edge), a percentage Np, center or repeat"

    def parse(self, parameter: str, raw: str) -> tuple[MarkPlacement, Extent]:
        if raw in _WORDS:
            return _WORDS[raw], Extent(0)
        match = _OFFSET.fullmatch(raw)
        if match is None:
            raise args.base.fail(parameter, self, raw)
        sign, digits, percent = match.groups()
        place = MarkPlacement.END if sign else MarkPlacement.START
        offset = Extent(int(digits) / 100, relative=True) if percent else Extent(int(digits))
        return place, offset

    def format(self, value: tuple[MarkPlacement, Extent]) -> str:
        place, offset = value
        word = next((w for w, p in _WORDS.items() if p is place), None)
        if word is not None:
            return word
        sign = "-" if place is MarkPlacement.END else ""
        if offset.relative:
            return f"{sign}{args.format_number(offset.value * 100)}p"
        return f"{sign}{int(offset.value)}"


@dataclass(frozen=True, slots=True)
class MarkPath:
    """A path in the main image's origin (no scheme, not empty)."""

    @property
    def expected(self) -> str:
        return "an image path on this server"

    def parse(self, parameter: str, raw: str) -> str:
        if not raw or "://" in raw:
            raise args.base.fail(parameter, self, raw)
        return raw.lstrip("/")

    def format(self, value: str) -> str:
        return value


_PERCENT = args.Integer(args.Range(0, 100))


@dataclass(frozen=True, slots=True)
class MarkShare:
    """``w_ratio``/``h_ratio``: percent of the output's side -> a share (``none``: 0)."""

    @property
    def expected(self) -> str:
        return f"{_PERCENT.expected}, or none"

    def parse(self, parameter: str, raw: str) -> float:
        if raw == "none":
            return 0.0
        try:
            return _PERCENT.parse(parameter, raw) / 100
        except InvalidParameter:
            raise args.base.fail(parameter, self, raw) from None

    def format(self, value: float) -> str:
        return "none" if not value else args.format_number(value * 100)


PARAMS: tuple[args.Arg[Any], ...] = (
    MarkPath(),
    MarkPosition(),
    MarkPosition(),
    args.Number(args.Range(0, 100)),
    MarkShare(),
    MarkShare(),
)
DEFAULTS = (0.0, 0.0)


def apply_watermark(draft: Draft, values: tuple[Any, ...]) -> Draft:
    path, (x, x_offset), (y, y_offset), alpha, w_share, h_share = values
    mark = Watermark(path, x, x_offset, y, y_offset, 1 - alpha / 100, w_share, h_share)
    return draft.set("effects.watermark", mark)
