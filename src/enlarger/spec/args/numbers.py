"""Numbers: plain decimals and integers within ranges, angles, ratios, timestamps.

Numbers are plain decimals: digits with an optional fraction, a leading minus only where
the range allows negatives; no exponents, no ``+``, no spaces, nothing non-finite.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from enlarger.spec.args.base import fail

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def format_number(value: float) -> str:
    """The shortest plain decimal that reads back as exactly ``value`` (``16``, ``0.00001``).

    Integers are written whole: a URL's integer may be too large for a float.
    """
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(float(value))), "f")
    return text.removesuffix(".0")


def format_fraction(value: float) -> str:
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


def read_integer(raw: str, signed: bool) -> int | None:
    if not _INTEGER.fullmatch(raw) or (raw.startswith("-") and not signed):
        return None
    try:
        return int(raw)
    except ValueError:  # longer than Python's int-from-text digit limit
        return None


def read_decimal(raw: str, signed: bool) -> float | None:
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
        value = read_integer(raw, self.range.signed)
        if value is None or value not in self.range:
            raise fail(parameter, self, raw)
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
        value = read_decimal(raw, self.range.signed)
        if value is None or value not in self.range:
            raise fail(parameter, self, raw)
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
        value = read_decimal(raw, signed=True)
        if value is None:
            raise fail(parameter, self, raw)
        turned = value % 360.0 + 0.0  # + 0.0 turns -0.0 into 0.0
        return 0.0 if turned == 360.0 else turned  # tiny negatives round up to 360

    def format(self, value: float) -> str:
        return format_number(value)


@dataclass(frozen=True, slots=True)
class Ratio:
    """An aspect ratio ``W:H`` of two positive decimals (``16:9``, ``0.85:1``)."""

    @property
    def expected(self) -> str:
        return "a ratio W:H of two positive numbers, such as 16:9"

    def parse(self, parameter: str, raw: str) -> tuple[float, float]:
        parts = raw.split(":")
        if len(parts) == 2:
            width, height = (read_decimal(part, signed=False) for part in parts)
            if width and height:  # neither missing nor zero
                return (width, height)
        raise fail(parameter, self, raw)

    def format(self, value: tuple[float, float]) -> str:
        return f"{format_number(value[0])}:{format_number(value[1])}"


#: 9999-12-31T23:59:59Z: later "timestamps" are mistakes (milliseconds, say).
_LAST_TIMESTAMP = 253_402_300_799

TIMESTAMP = Integer(Range(0, _LAST_TIMESTAMP))


@dataclass(frozen=True, slots=True)
class FrameSpan:
    """imgix ``frame``: one frame (``3``) or a span (``2-5``, ``2-``, ``-5``), 1-based.

    Read as ``(first, last)``, inclusive, with last 0 meaning "to the last frame".
    """

    @property
    def expected(self) -> str:
        return "a frame number from 1, or a span first-last (either end may be left out)"

    def parse(self, parameter: str, raw: str) -> tuple[int, int]:
        first_text, dash, last_text = raw.partition("-")
        first = read_integer(first_text, signed=False) if first_text else 1
        last = read_integer(last_text, signed=False) if last_text else 0
        if not dash:
            last = first
        if first is None or last is None or first < 1 or (last and last < first):
            raise fail(parameter, self, raw)
        if dash and not (first_text or last_text):
            raise fail(parameter, self, raw)
        return first, last

    def format(self, value: tuple[int, int]) -> str:
        first, last = value
        if first == last:
            return str(first)
        return f"{first}-{last or ''}"
