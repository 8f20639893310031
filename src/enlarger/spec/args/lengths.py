"""Lengths in pixels or fractions of the source, positions, and ``rect`` regions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from enlarger.errors import InvalidParameter
from enlarger.spec.args.base import fail
from enlarger.spec.args.numbers import (
    UNIT,
    UNIT_LENGTH,
    Range,
    format_fraction,
    read_decimal,
    read_integer,
)
from enlarger.spec.model import Anchor, Extent, Rect


@dataclass(frozen=True, slots=True)
class Length:
    """Whole pixels within ``pixels``, else a fraction of the source within ``fraction``.

    An integer literal is read as pixels when ``pixels`` allows it, so ``w=1`` (below
    imgix's 2-pixel minimum) is the whole width and ``rect=0,0,1,1`` is one pixel.
    """

    pixels: Range
    fraction: Range = UNIT_LENGTH
    keywords: Mapping[str, Extent] = field(default_factory=dict)

    @property
    def expected(self) -> str:
        words = "".join(f" or {word}" for word in self.keywords)
        return (
            f"an integer {self.pixels.describe()} (pixels) or a decimal "
            f"{self.fraction.describe()} (a fraction of the source){words}"
        )

    def parse(self, parameter: str, raw: str) -> Extent:
        if raw in self.keywords:
            return self.keywords[raw]
        whole = read_integer(raw, self.pixels.signed)
        if whole is not None and whole in self.pixels:
            return Extent(whole)
        share = read_decimal(raw, self.fraction.signed)
        if share is None or share not in self.fraction:
            raise fail(parameter, self, raw)
        return Extent(share, relative=True)

    def format(self, value: Extent) -> str:
        return format_fraction(value.value) if value.relative else str(int(value.value))


@dataclass(frozen=True, slots=True)
class Position:
    """A ``Length`` or one of three keywords naming an ``Anchor`` (left/center/right)."""

    length: Length
    anchors: Mapping[str, Anchor]

    @property
    def expected(self) -> str:
        return f"{self.length.expected}, or one of {', '.join(self.anchors)}"

    def parse(self, parameter: str, raw: str) -> Extent | Anchor:
        if raw in self.anchors:
            return self.anchors[raw]
        try:
            return self.length.parse(parameter, raw)
        except InvalidParameter:
            raise fail(parameter, self, raw) from None

    def format(self, value: Extent | Anchor) -> str:
        if isinstance(value, Anchor):
            return next(word for word, anchor in self.anchors.items() if anchor is value)
        return self.length.format(value)


#: ``full`` is imgix's word for the whole source width or height in ``rect``.
_FULL = {"full": Extent(1.0, relative=True)}


@dataclass(frozen=True, slots=True)
class RectArg:
    """``x,y,w,h``: x and y pixels, fractions or keywords; w and h pixels, fractions or full."""

    x: Position = Position(
        Length(Range(0), UNIT),
        {"left": Anchor.START, "center": Anchor.CENTER, "right": Anchor.END},
    )
    y: Position = Position(
        Length(Range(0), UNIT),
        {"top": Anchor.START, "middle": Anchor.CENTER, "bottom": Anchor.END},
    )
    size: Length = Length(Range(1), UNIT_LENGTH, _FULL)

    @property
    def expected(self) -> str:
        return (
            "x,y,w,h: x an integer, a fraction or left/center/right; y an integer, a "
            "fraction or top/middle/bottom; w and h a positive integer, a fraction or full"
        )

    def parse(self, parameter: str, raw: str) -> Rect:
        parts = raw.split(",")
        if len(parts) != 4:
            raise fail(parameter, self, raw)
        try:
            return Rect(
                self.x.parse(parameter, parts[0]),
                self.y.parse(parameter, parts[1]),
                self.size.parse(parameter, parts[2]),
                self.size.parse(parameter, parts[3]),
            )
        except InvalidParameter:
            raise fail(parameter, self, raw) from None

    def format(self, value: Rect) -> str:
        return ",".join(
            (
                self.x.format(value.x),
                self.y.format(value.y),
                self.size.format(value.w),
                self.size.format(value.h),
            )
        )
