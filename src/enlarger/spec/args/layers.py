"""Values of the overlay parameters: image paths, overlay text, fonts, alignments."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from enlarger.errors import InvalidParameter
from enlarger.spec.args.base import Arg, fail
from enlarger.spec.model import Color, MarkPlacement, TextClip, TextFont

E = TypeVar("E", bound=Enum)

_SEGMENTS_REFUSED = frozenset({"", ".", ".."})
_FAMILIES = frozenset(f.value for f in TextFont)
_CLIPS = frozenset(c.value for c in TextClip)
_HORIZONTAL = {"left": MarkPlacement.START, "center": MarkPlacement.CENTER}
_HORIZONTAL["right"] = MarkPlacement.END
_VERTICAL = {"top": MarkPlacement.START, "middle": MarkPlacement.CENTER}
_VERTICAL["bottom"] = MarkPlacement.END


def _has_control(text: str, allowed: str = "") -> bool:
    return any(ch not in allowed and unicodedata.category(ch).startswith("C") for ch in text)


@dataclass(frozen=True, slots=True)
class ImagePath:
    """Another image: a path in the main source's origin (a leading ``/`` is dropped; no
    ``.``/``..`` segments, no query) or an absolute http(s) URL. With ``prefix`` the value
    is a folder or base URL other paths are appended to (``mark-base``)."""

    max_length: int = 2048
    prefix: bool = False

    @property
    def expected(self) -> str:
        what = "a folder path or base URL" if self.prefix else "an image path"
        return (
            f"{what} in this source (no '.' or '..' segments, no query) or an absolute "
            f"http(s) URL, at most {self.max_length} characters"
        )

    def parse(self, parameter: str, raw: str) -> str:
        if len(raw) > self.max_length or _has_control(raw) or "\\" in raw:
            raise fail(parameter, self, raw)
        if raw.lower().startswith(("http://", "https://")):
            scheme, _, rest = raw.partition("://")
            if not rest or rest.startswith("/"):
                raise fail(parameter, self, raw)
            return scheme.lower() + "://" + rest
        path = raw.lstrip("/")
        segments = path.split("/")
        if self.prefix and path.endswith("/"):
            segments = segments[:-1]
        if "?" in path or "#" in path or any(s in _SEGMENTS_REFUSED for s in segments):
            raise fail(parameter, self, raw)
        return path

    def format(self, value: str) -> str:
        return value


@dataclass(frozen=True, slots=True)
class OverlayText:
    """Text to draw: 1 to ``max_length`` characters, no control characters except
    newlines (each starts a line)."""

    max_length: int = 256

    @property
    def expected(self) -> str:
        return (
            f"text of 1 to {self.max_length} characters without control characters "
            "(newlines start lines)"
        )

    def parse(self, parameter: str, raw: str) -> str:
        if not raw or len(raw) > self.max_length or _has_control(raw, "\n"):
            raise fail(parameter, self, raw)
        return raw

    def format(self, value: str) -> str:
        return value


@dataclass(frozen=True, slots=True)
class FontArg:
    """imgix ``txt-font``: a family (sans-serif, serif, monospace) and/or bold, italic,
    comma-separated -> (family, bold, italic). Named fonts are refused: only the
    package's DejaVu faces are drawn."""

    @property
    def expected(self) -> str:
        families = ", ".join(f.value for f in TextFont)
        return (
            f"a comma-separated list of a family ({families}) and the styles bold, italic "
            "(named fonts are not supported by this server: it draws its own DejaVu fonts)"
        )

    def parse(self, parameter: str, raw: str) -> tuple[TextFont, bool, bool]:
        words = [word.strip().lower() for word in raw.split(",")]
        families = [TextFont(w) for w in words if w in _FAMILIES]
        styles = [w for w in words if w in {"bold", "italic"}]
        if len(families) > 1 or len(families) + len(styles) != len(words):
            raise fail(parameter, self, raw)
        if len(set(styles)) != len(styles):
            raise fail(parameter, self, raw)
        family = families[0] if families else TextFont.SANS
        return family, "bold" in styles, "italic" in styles

    def format(self, value: tuple[TextFont, bool, bool]) -> str:
        family, bold, italic = value
        return ",".join(
            [family.value, *(["bold"] if bold else []), *(["italic"] if italic else [])]
        )


@dataclass(frozen=True, slots=True)
class Align:
    """imgix ``*-align``: at most one of top/middle/bottom and one of left/center/right,
    comma-separated -> (horizontal, vertical); an axis not named keeps its default."""

    default: tuple[MarkPlacement, MarkPlacement]
    #: imgix's other words for the same sides (``blend-crop`` says top,left too).
    words: tuple[str, ...] = ("top", "middle", "bottom", "left", "center", "right")

    @property
    def expected(self) -> str:
        return (
            f"a comma-separated list of one vertical and one horizontal word of "
            f"{', '.join(self.words)}"
        )

    def parse(self, parameter: str, raw: str) -> tuple[MarkPlacement, MarkPlacement]:
        x, y = self.default
        items = raw.split(",")
        if any(word not in self.words for word in items):
            raise fail(parameter, self, raw)
        horizontal = [_HORIZONTAL[w] for w in items if w in _HORIZONTAL]
        vertical = [_VERTICAL[w] for w in items if w in _VERTICAL]
        if len(horizontal) > 1 or len(vertical) > 1:
            raise fail(parameter, self, raw)
        return (horizontal or [x])[0], (vertical or [y])[0]

    def format(self, value: tuple[MarkPlacement, MarkPlacement]) -> str:
        x = next(w for w, p in _HORIZONTAL.items() if p is value[0])
        y = next(w for w, p in _VERTICAL.items() if p is value[1])
        return f"{y},{x}"


@dataclass(frozen=True, slots=True)
class ClipArg:
    """imgix ``txt-clip``: one of start, middle, end, and/or ellipsis -> (clip, ellipsis)."""

    @property
    def expected(self) -> str:
        return "one of start, middle, end, ellipsis, or one of the first three plus ellipsis"

    def parse(self, parameter: str, raw: str) -> tuple[TextClip, bool]:
        words = raw.split(",")
        clips = [TextClip(w) for w in words if w in _CLIPS]
        ellipses = words.count("ellipsis")
        if len(clips) > 1 or ellipses > 1 or len(clips) + ellipses != len(words):
            raise fail(parameter, self, raw)
        return (clips or [TextClip.END])[0], ellipses == 1

    def format(self, value: tuple[TextClip, bool]) -> str:
        return value[0].value + (",ellipsis" if value[1] else "")


@dataclass(frozen=True, slots=True)
class Word:
    """The one word a parameter takes (``mark-tile=grid``) -> ``value``."""

    word: str
    value: Any

    @property
    def expected(self) -> str:
        return self.word

    def parse(self, parameter: str, raw: str) -> Any:
        if raw != self.word:
            raise fail(parameter, self, raw)
        return self.value

    def format(self, value: Any) -> str:
        return self.word


@dataclass(frozen=True, slots=True)
class ColourOrImage:
    """A colour (as ``colour`` reads it), else an image path -> (colour, path), one None."""

    colour: Arg[Color]
    image: ImagePath = field(default_factory=ImagePath)

    @property
    def expected(self) -> str:
        return f"{self.colour.expected}, or {self.image.expected}"

    def parse(self, parameter: str, raw: str) -> tuple[Color | None, str | None]:
        try:
            return self.colour.parse(parameter, raw), None
        except InvalidParameter:
            pass
        try:
            return None, self.image.parse(parameter, raw)
        except InvalidParameter:
            raise fail(parameter, self, raw) from None

    def format(self, value: tuple[Color | None, str | None]) -> str:
        colour, image = value
        return self.colour.format(colour) if colour is not None else str(image)


@dataclass(frozen=True, slots=True)
class ShapeOrImage(Generic[E]):
    """A shape word of ``shapes``, else an image path (imgix ``mask``)."""

    shapes: type[E]
    image: ImagePath = field(default_factory=ImagePath)

    @property
    def expected(self) -> str:
        words = ", ".join(str(m.value) for m in self.shapes)
        return f"one of {words}, or {self.image.expected}"

    def parse(self, parameter: str, raw: str) -> E | str:
        for member in self.shapes:
            if raw == member.value:
                return member
        try:
            return self.image.parse(parameter, raw)
        except InvalidParameter:
            raise fail(parameter, self, raw) from None

    def format(self, value: E | str) -> str:
        return str(value.value) if isinstance(value, Enum) else value
