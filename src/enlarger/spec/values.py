"""Plain values the render groups share: colours, lengths, widths around an image, corner radii."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Color:
    """An sRGB colour with alpha; channels 0-255."""

    r: int
    g: int
    b: int
    a: int = 255

    @property
    def opaque(self) -> bool:
        return self.a == 255

    def hex(self) -> str:
        """Canonical form: RRGGBB, or AARRGGBB (imgix order) when not opaque."""
        rgb = f"{self.r:02x}{self.g:02x}{self.b:02x}"
        return rgb if self.opaque else f"{self.a:02x}{rgb}"


WHITE = Color(255, 255, 255)
BLACK = Color(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Extent:
    """A length: whole pixels, or (``relative``) a fraction 0-1 of the source's length."""

    value: float
    relative: bool = False

    def resolve(self, source_length: float) -> float:
        return self.value * source_length if self.relative else self.value


@dataclass(frozen=True, slots=True)
class Sides:
    """Widths in pixels around an image: ``all`` on each side unless that side is given."""

    all: int = 0
    top: int | None = None
    right: int | None = None
    bottom: int | None = None
    left: int | None = None

    def widths(self) -> tuple[int, int, int, int]:
        """(top, right, bottom, left), CSS order."""

        def width(side: int | None) -> int:
            return self.all if side is None else side

        return width(self.top), width(self.right), width(self.bottom), width(self.left)

    @property
    def any(self) -> bool:
        return self.widths() != (0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Corners:
    """Corner radii in pixels: top-left, top-right, bottom-right, bottom-left (CSS order)."""

    top_left: int = 0
    top_right: int = 0
    bottom_right: int = 0
    bottom_left: int = 0
