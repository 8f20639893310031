"""Typed argument parsers shared by the URL dialects (imgix today, thumbor later).

Each parser is a small frozen object: ``parse(parameter, raw)`` turns one decoded URL
value into a typed value or raises ``InvalidParameter`` naming the parameter, what was
expected and what was given; ``format(value)`` writes a value back so that ``parse``
reads it again unchanged (used for canonical strings). The objects also expose what they
accept (ranges, choices), so tests can compare them with a dialect's published list.

Numbers are plain decimals: digits with an optional fraction, a leading minus only where
the range allows negatives; no exponents, no ``+``, no spaces, nothing non-finite.
"""

from __future__ import annotations

import binascii
import math
import re
import unicodedata
from base64 import urlsafe_b64decode
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Generic, Protocol, TypeVar

from enlarger.errors import InvalidParameter
from enlarger.spec.model import Anchor, Color, Extent, Rect

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


class Arg(Protocol[T]):
    """What every parser offers: parse one raw value, write one back, say what it expects."""

    @property
    def expected(self) -> str: ...

    def parse(self, parameter: str, raw: str) -> T: ...

    def format(self, value: T) -> str: ...


def _fail(parameter: str, arg: Arg[T], raw: str) -> InvalidParameter:
    return InvalidParameter(parameter, arg.expected, raw)


def format_number(value: float) -> str:
    """The shortest plain decimal that reads back as exactly ``value`` (``16``, ``0.00001``)."""
    text = format(Decimal(repr(float(value))), "f")
    return text.removesuffix(".0")


def _format_fraction(value: float) -> str:
    """Like ``format_number`` but always with a point, so it never reads as whole pixels."""
    text = format(Decimal(repr(float(value))), "f")
    return text if "." in text else text + ".0"


@dataclass(frozen=True, slots=True)
class Range:
    """Closed bounds (``None``: unbounded); ``min_exclusive`` keeps degenerate zeros out."""

    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False

    def __contains__(self, value: float) -> bool:
        if self.min is not None and (
            value < self.min or (self.min_exclusive and value == self.min)
        ):
            return False
        return self.max is None or value <= self.max

    @property
    def signed(self) -> bool:
        return self.min is None or self.min < 0

    def describe(self) -> str:
        low = None if self.min is None else format_number(self.min)
        high = None if self.max is None else format_number(self.max)
        if low is not None and self.min_exclusive:
            return f"greater than {low}" + ("" if high is None else f" and at most {high}")
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"at least {low}"
        return "any value" if high is None else f"at most {high}"


UNBOUNDED = Range()
UNIT = Range(0, 1)
#: a fraction that is a real length: 0 would be an empty image.
UNIT_LENGTH = Range(0, 1, min_exclusive=True)


def _read_integer(raw: str, signed: bool) -> int | None:
    if not _INTEGER.fullmatch(raw) or (raw.startswith("-") and not signed):
        return None
    try:
        return int(raw)
    except ValueError:  # longer than Python's int-from-text digit limit
        return None


def _read_decimal(raw: str, signed: bool) -> float | None:
    if not _DECIMAL.fullmatch(raw) or (raw.startswith("-") and not signed):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class Integer:
    """A whole number within ``range``."""

    range: Range = UNBOUNDED

    @property
    def expected(self) -> str:
        return f"an integer, {self.range.describe()}"

    def parse(self, parameter: str, raw: str) -> int:
        value = _read_integer(raw, self.range.signed)
        if value is None or value not in self.range:
            raise _fail(parameter, self, raw)
        return value

    def format(self, value: int) -> str:
        return str(value)


@dataclass(frozen=True, slots=True)
class Number:
    """A decimal number within ``range``."""

    range: Range = UNBOUNDED

    @property
    def expected(self) -> str:
        return f"a number, {self.range.describe()}"

    def parse(self, parameter: str, raw: str) -> float:
        value = _read_decimal(raw, self.range.signed)
        if value is None or value not in self.range:
            raise _fail(parameter, self, raw)
        return value

    def format(self, value: float) -> str:
        return format_number(value)


UNIT_SCALAR = Number(UNIT)


@dataclass(frozen=True, slots=True)
class Angle:
    """Degrees, any decimal, normalised into [0, 360)."""

    @property
    def expected(self) -> str:
        return "a number of degrees"

    def parse(self, parameter: str, raw: str) -> float:
        value = _read_decimal(raw, signed=True)
        if value is None:
            raise _fail(parameter, self, raw)
        turned = value % 360.0 + 0.0  # + 0.0 turns -0.0 into 0.0
        return 0.0 if turned == 360.0 else turned  # tiny negatives round up to 360

    def format(self, value: float) -> str:
        return format_number(value)


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
        whole = _read_integer(raw, self.pixels.signed)
        if whole is not None and whole in self.pixels:
            return Extent(whole)
        share = _read_decimal(raw, self.fraction.signed)
        if share is None or share not in self.fraction:
            raise _fail(parameter, self, raw)
        return Extent(share, relative=True)

    def format(self, value: Extent) -> str:
        return _format_fraction(value.value) if value.relative else str(int(value.value))


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
            raise _fail(parameter, self, raw) from None

    def format(self, value: Extent | Anchor) -> str:
        if isinstance(value, Anchor):
            return next(word for word, anchor in self.anchors.items() if anchor is value)
        return self.length.format(value)


@dataclass(frozen=True, slots=True)
class Boolean:
    """true/false/1/0, any case (the Python imgix client writes ``str(True)``)."""

    @property
    def expected(self) -> str:
        return "true, false, 1 or 0"

    def parse(self, parameter: str, raw: str) -> bool:
        word = raw.lower()
        if word in {"true", "1"}:
            return True
        if word in {"false", "0"}:
            return False
        raise _fail(parameter, self, raw)

    def format(self, value: bool) -> str:
        return "true" if value else "false"


def _choices(values: list[str], unsupported: frozenset[str]) -> str:
    text = "one of " + ", ".join(values)
    if unsupported:
        text += f" ({', '.join(sorted(unsupported))}: not supported by this server)"
    return text


@dataclass(frozen=True, slots=True)
class Choice(Generic[E]):
    """One member of a string enum, by its value; ``synonyms`` map extra words to members.

    ``unsupported`` lists values the dialect defines that this server does not implement:
    they are rejected like any bad value, with an ``expected`` text that says so.
    """

    enum: type[E]
    unsupported: frozenset[str] = frozenset()
    synonyms: Mapping[str, E] = field(default_factory=dict)

    @property
    def words(self) -> Mapping[str, E]:
        return {**{str(m.value): m for m in self.enum}, **self.synonyms}

    @property
    def expected(self) -> str:
        return _choices([str(m.value) for m in self.enum], self.unsupported)

    def parse(self, parameter: str, raw: str) -> E:
        member = self.words.get(raw)
        if member is None:
            raise _fail(parameter, self, raw)
        return member

    def format(self, value: E) -> str:
        return str(value.value)


@dataclass(frozen=True, slots=True)
class ChoiceList(Generic[E]):
    """Comma-separated members of a string enum (``crop=top,left``); order is not kept."""

    choice: Choice[E]

    @property
    def expected(self) -> str:
        return "a comma-separated list of " + self.choice.expected.removeprefix("one of ")

    def parse(self, parameter: str, raw: str) -> frozenset[E]:
        words = self.choice.words
        members = [words.get(item) for item in raw.split(",")]
        if not raw or None in members:
            raise _fail(parameter, self, raw)
        return frozenset(m for m in members if m is not None)

    def format(self, value: frozenset[E]) -> str:
        order = list(self.choice.enum)
        return ",".join(str(m.value) for m in sorted(value, key=order.index))


@dataclass(frozen=True, slots=True)
class IntegerChoice:
    """One of a fixed set of integers (``orient``, ``chromasub``)."""

    values: tuple[int, ...]

    @property
    def expected(self) -> str:
        return _choices([str(v) for v in self.values], frozenset())

    def parse(self, parameter: str, raw: str) -> int:
        value = _read_integer(raw, signed=False)
        if value not in self.values or raw != str(value):  # no leading zeros: one spelling
            raise _fail(parameter, self, raw)
        return value

    def format(self, value: int) -> str:
        return str(value)


@dataclass(frozen=True, slots=True)
class Ratio:
    """An aspect ratio ``W:H`` of two positive decimals (``16:9``, ``0.85:1``)."""

    @property
    def expected(self) -> str:
        return "a ratio W:H of two positive numbers, such as 16:9"

    def parse(self, parameter: str, raw: str) -> tuple[float, float]:
        parts = raw.split(":")
        if len(parts) == 2:
            width, height = (_read_decimal(part, signed=False) for part in parts)
            if width and height:  # neither missing nor zero
                return (width, height)
        raise _fail(parameter, self, raw)

    def format(self, value: tuple[float, float]) -> str:
        return f"{format_number(value[0])}:{format_number(value[1])}"


#: CSS named colours, which imgix's ``colorKeywordValues`` list (name, then RRGGBB).
_CSS_COLORS = """
aliceblue f0f8ff antiquewhite faebd7 aqua 00ffff aquamarine 7fffd4 azure f0ffff
beige f5f5dc bisque ffe4c4 black 000000 blanchedalmond ffebcd blue 0000ff
blueviolet 8a2be2 brown a52a2a burlywood deb887 cadetblue 5f9ea0 chartreuse 7fff00
chocolate d2691e coral ff7f50 cornflowerblue 6495ed cornsilk fff8dc crimson dc143c
cyan 00ffff darkblue 00008b darkcyan 008b8b darkgoldenrod b8860b darkgray a9a9a9
darkgreen 006400 darkgrey a9a9a9 darkkhaki bdb76b darkmagenta 8b008b
darkolivegreen 556b2f darkorange ff8c00 darkorchid 9932cc darkred 8b0000
darksalmon e9967a darkseagreen 8fbc8f darkslateblue 483d8b darkslategray 2f4f4f
darkslategrey 2f4f4f darkturquoise 00ced1 darkviolet 9400d3 deeppink ff1493
deepskyblue 00bfff dimgray 696969 dimgrey 696969 dodgerblue 1e90ff firebrick b22222
floralwhite fffaf0 forestgreen 228b22 fuchsia ff00ff gainsboro dcdcdc
ghostwhite f8f8ff gold ffd700 goldenrod daa520 gray 808080 green 008000
greenyellow adff2f grey 808080 honeydew f0fff0 hotpink ff69b4 indianred cd5c5c
indigo 4b0082 ivory fffff0 khaki f0e68c lavender e6e6fa lavenderblush fff0f5
lawngreen 7cfc00 lemonchiffon fffacd lightblue add8e6 lightcoral f08080
lightcyan e0ffff lightgoldenrodyellow fafad2 lightgray d3d3d3 lightgreen 90ee90
lightgrey d3d3d3 lightpink ffb6c1 lightsalmon ffa07a lightseagreen 20b2aa
lightskyblue 87cefa lightslategray 778899 lightslategrey 778899
lightsteelblue b0c4de lightyellow ffffe0 lime 00ff00 limegreen 32cd32 linen faf0e6
magenta ff00ff maroon 800000 mediumaquamarine 66cdaa mediumblue 0000cd
mediumorchid ba55d3 mediumpurple 9370db mediumseagreen 3cb371
mediumslateblue 7b68ee mediumspringgreen 00fa9a mediumturquoise 48d1cc
mediumvioletred c71585 midnightblue 191970 mintcream f5fffa mistyrose ffe4e1
moccasin ffe4b5 navajowhite ffdead navy 000080 oldlace fdf5e6 olive 808000
olivedrab 6b8e23 orange ffa500 orangered ff4500 orchid da70d6 palegoldenrod eee8aa
palegreen 98fb98 paleturquoise afeeee palevioletred db7093 papayawhip ffefd5
peachpuff ffdab9 peru cd853f pink ffc0cb plum dda0dd powderblue b0e0e6
purple 800080 rebeccapurple 663399 red ff0000 rosybrown bc8f8f royalblue 4169e1
saddlebrown 8b4513 salmon fa8072 sandybrown f4a460 seagreen 2e8b57 seashell fff5ee
sienna a0522d silver c0c0c0 skyblue 87ceeb slateblue 6a5acd slategray 708090
slategrey 708090 snow fffafa springgreen 00ff7f steelblue 4682b4 tan d2b48c
teal 008080 thistle d8bfd8 tomato ff6347 turquoise 40e0d0 violet ee82ee
wheat f5deb3 white ffffff whitesmoke f5f5f5 yellow ffff00 yellowgreen 9acd32
"""


def _color_from_hex(digits: str) -> Color:
    """3 (RGB), 4 (ARGB), 6 (RRGGBB) or 8 (AARRGGBB) hex digits: imgix puts alpha first."""
    if len(digits) in {3, 4}:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
    if len(channels) == 4:
        alpha, red, green, blue = channels
        return Color(red, green, blue, alpha)
    red, green, blue = channels
    return Color(red, green, blue)


def _color_table(text: str) -> dict[str, Color]:
    words = text.split()
    return {name: _color_from_hex(rgb) for name, rgb in zip(words[::2], words[1::2], strict=True)}


COLOR_KEYWORDS: Mapping[str, Color] = _color_table(_CSS_COLORS)


@dataclass(frozen=True, slots=True)
class ColorArg:
    """A hex colour (3, 4, 6 or 8 digits; alpha first) or a colour keyword.

    ``unsupported`` keywords are known to the dialect but have no published value here
    (imgix's own ``imgixorange``/``imgixblue``).
    """

    unsupported: frozenset[str] = frozenset()

    @property
    def expected(self) -> str:
        text = "a hex colour of 3, 4, 6 or 8 digits (RGB, ARGB, RRGGBB, AARRGGBB) or a CSS name"
        if self.unsupported:
            text += f" ({', '.join(sorted(self.unsupported))}: not supported by this server)"
        return text

    @property
    def keywords(self) -> frozenset[str]:
        return frozenset(COLOR_KEYWORDS) | self.unsupported

    def parse(self, parameter: str, raw: str) -> Color:
        if len(raw) in {3, 4, 6, 8} and _HEX.fullmatch(raw):
            return _color_from_hex(raw)
        color = COLOR_KEYWORDS.get(raw.lower())
        if color is None:
            raise _fail(parameter, self, raw)
        return color

    def format(self, value: Color) -> str:
        return value.hex()


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
            raise _fail(parameter, self, raw)
        try:
            return Rect(
                self.x.parse(parameter, parts[0]),
                self.y.parse(parameter, parts[1]),
                self.size.parse(parameter, parts[2]),
                self.size.parse(parameter, parts[3]),
            )
        except InvalidParameter:
            raise _fail(parameter, self, raw) from None

    def format(self, value: Rect) -> str:
        return ",".join(
            (
                self.x.format(value.x),
                self.y.format(value.y),
                self.size.format(value.w),
                self.size.format(value.h),
            )
        )


#: 9999-12-31T23:59:59Z: later "timestamps" are mistakes (milliseconds, say).
_LAST_TIMESTAMP = 253_402_300_799

TIMESTAMP = Integer(Range(0, _LAST_TIMESTAMP))


@dataclass(frozen=True, slots=True)
class Filename:
    """A download file name: printable text without path separators, at most ``max_length``.

    Empty is allowed (imgix: download under the source's own name).
    """

    max_length: int = 255

    @property
    def expected(self) -> str:
        return (
            f"a file name of at most {self.max_length} characters, "
            "without control characters or slashes"
        )

    def parse(self, parameter: str, raw: str) -> str:
        if len(raw) > self.max_length or any(
            ch in "/\\" or unicodedata.category(ch).startswith("C") for ch in raw
        ):
            raise _fail(parameter, self, raw)
        return raw

    def format(self, value: str) -> str:
        return value


def decode_base64url(parameter: str, raw: str) -> str:
    """The text of a base64url value (RFC 4648 URL-safe alphabet, padding optional)."""
    expected = "base64url-encoded UTF-8 text"
    if not _BASE64URL.fullmatch(raw):
        raise InvalidParameter(parameter, expected, raw)
    unpadded = raw.rstrip("=")
    try:
        data = urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
        return data.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidParameter(parameter, expected, raw) from None
