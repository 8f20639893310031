"""Comma-separated values: a pair of two parsers' values, and four corner radii."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from enlarger.errors import InvalidParameter
from enlarger.spec.args.base import Arg, fail
from enlarger.spec.args.numbers import Integer, Range
from enlarger.spec.model import Corners


@dataclass(frozen=True, slots=True)
class Pair:
    """``a,b``: ``first`` reads a, ``second`` reads b (imgix ``border=10,000``)."""

    first: Arg[Any]
    second: Arg[Any]

    @property
    def expected(self) -> str:
        return f"two values a,b: a {self.first.expected}; b {self.second.expected}"

    def parse(self, parameter: str, raw: str) -> tuple[Any, Any]:
        parts = raw.split(",")
        if len(parts) != 2:
            raise fail(parameter, self, raw)
        try:
            return self.first.parse(parameter, parts[0]), self.second.parse(parameter, parts[1])
        except InvalidParameter:
            raise fail(parameter, self, raw) from None

    def format(self, value: tuple[Any, Any]) -> str:
        return f"{self.first.format(value[0])},{self.second.format(value[1])}"


_RADIUS = Integer(Range(0))


@dataclass(frozen=True, slots=True)
class CornersArg:
    """One radius for every corner, or four: top-left, top-right, bottom-right, bottom-left."""

    radius: Integer = _RADIUS

    @property
    def expected(self) -> str:
        return (
            f"an integer radius {self.radius.range.describe()} (pixels), or four of them "
            "(top-left, top-right, bottom-right, bottom-left)"
        )

    def parse(self, parameter: str, raw: str) -> Corners:
        parts = raw.split(",")
        if len(parts) not in {1, 4}:
            raise fail(parameter, self, raw)
        try:
            radii = [self.radius.parse(parameter, part) for part in parts]
        except InvalidParameter:
            raise fail(parameter, self, raw) from None
        return Corners(*(radii * 4 if len(radii) == 1 else radii))

    def format(self, value: Corners) -> str:
        radii = (value.top_left, value.top_right, value.bottom_right, value.bottom_left)
        if len(set(radii)) == 1:
            return str(radii[0])
        return ",".join(str(r) for r in radii)
