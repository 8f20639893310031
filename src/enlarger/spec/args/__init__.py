"""Typed argument parsers shared by the URL dialects (imgix today, thumbor later).

Each parser is a small frozen object: ``parse(parameter, raw)`` turns one decoded URL
value into a typed value or raises ``InvalidParameter`` naming the parameter, what was
expected and what was given; ``format(value)`` writes a value back so that ``parse``
reads it again unchanged. The objects also expose what they accept (ranges, choices),
so tests can compare them with a dialect's published list.

One module per kind of value: ``numbers``, ``lengths`` (pixels or fractions, ``rect``),
``choices`` (words from a fixed set), ``fits`` (imgix ``fit``), ``colours``, ``text``
(file names, base64url), ``lists`` (pairs, corner radii), ``layers`` (overlay images,
text, fonts, alignments).
"""

from enlarger.spec.args.base import Arg
from enlarger.spec.args.choices import Boolean, Choice, ChoiceList, IntegerChoice
from enlarger.spec.args.colours import COLOR_KEYWORDS, ColorArg, hex_color
from enlarger.spec.args.fits import FitArg
from enlarger.spec.args.layers import (
    Align,
    ClipArg,
    ColourOrImage,
    FontArg,
    ImagePath,
    OverlayText,
    ShapeOrImage,
    Word,
)
from enlarger.spec.args.lengths import Length, Position, RectArg
from enlarger.spec.args.lists import CornersArg, Pair
from enlarger.spec.args.numbers import (
    TIMESTAMP,
    UNBOUNDED,
    UNIT,
    UNIT_LENGTH,
    UNIT_SCALAR,
    Angle,
    FrameSpan,
    Integer,
    Number,
    Range,
    Ratio,
    format_number,
)
from enlarger.spec.args.text import CssIdentifier, Filename, decode_base64url

__all__ = [
    "COLOR_KEYWORDS",
    "TIMESTAMP",
    "UNBOUNDED",
    "UNIT",
    "UNIT_LENGTH",
    "UNIT_SCALAR",
    "Align",
    "Angle",
    "Arg",
    "Boolean",
    "Choice",
    "ChoiceList",
    "ClipArg",
    "ColorArg",
    "ColourOrImage",
    "CornersArg",
    "CssIdentifier",
    "Filename",
    "FitArg",
    "FontArg",
    "FrameSpan",
    "ImagePath",
    "Integer",
    "IntegerChoice",
    "Length",
    "Number",
    "OverlayText",
    "Pair",
    "Position",
    "Range",
    "Ratio",
    "RectArg",
    "ShapeOrImage",
    "Word",
    "decode_base64url",
    "format_number",
    "hex_color",
]
