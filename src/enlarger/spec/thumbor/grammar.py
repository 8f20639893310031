"""thumbor's URL grammar: the part of a path after the signature -> ``ThumborUrl``.

``[meta/][trim[:top-left|bottom-right][:tolerance]/][AxB:CxD/]
[adaptive-][full-]fit-in/][-][W|orig]x[-][H|orig]/[left|center|right/]
[top|middle|bottom/][smart/][filters:f(a,b):g()/]IMAGE``

Every part is optional and in this order, as in thumbor 7 (and libthumbor, which writes
them). Only the syntax lives here; what each part means for the render is
``spec.thumbor.build``'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from enlarger.errors import ClientError, InvalidParameter

_GRAMMAR = re.compile(
    r"(?:(?P<debug>debug)/)?"
    r"(?:(?P<meta>meta)/)?"
    r"(?:(?P<trim>trim(?::(?:top-left|bottom-right))?(?::\d+)?)/)?"
    r"(?:(?P<crop_left>\d+)x(?P<crop_top>\d+):(?P<crop_right>\d+)x(?P<crop_bottom>\d+)/)?"
    r"(?:(?P<adaptive>adaptive-)?(?P<full>full-)?(?P<fit_in>fit-in)/)?"
    r"(?:(?P<flip_h>-)?(?P<width>\d+|orig)?x(?P<flip_v>-)?(?P<height>\d+|orig)?/)?"
    r"(?:(?P<halign>left|right|center)/)?"
    r"(?:(?P<valign>top|bottom|middle)/)?"
    r"(?:(?P<smart>smart)/)?"
    r"(?:filters:(?P<filters>.+?\))/)?"
    r"(?P<image>.+)",
    re.DOTALL,
)
_FILTER_NAME = re.compile(r"[a-z_][a-z0-9_]*")
#: a side of the requested size: pixels, ``orig`` (the source's), or None (proportional).
Side = int | str | None
_MAX_SIDE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class FilterCall:
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThumborUrl:
    """The parts of one thumbor path; ``image`` is percent-decoded."""

    image: str
    debug: bool = False
    meta: bool = False
    trim: str | None = None
    crop: tuple[int, int, int, int] | None = None
    fit_in: bool = False
    adaptive: bool = False
    full: bool = False
    width: Side = None
    height: Side = None
    flip_h: bool = False
    flip_v: bool = False
    halign: str | None = None
    valign: str | None = None
    smart: bool = False
    filters: tuple[FilterCall, ...] = ()


def read_url(path: str) -> ThumborUrl:
    """Split ``path`` (raw, after the signature, no leading slash) into its parts."""
    match = _GRAMMAR.fullmatch(path)
    if match is None:
        raise ClientError("the thumbor URL names no image")
    part = match.group
    crop = None
    if part("crop_left") is not None:
        crop = (
            _int(part("crop_left")),
            _int(part("crop_top")),
            _int(part("crop_right")),
            _int(part("crop_bottom")),
        )
    return ThumborUrl(
        image=_unquoted(part("image"), "image"),
        debug=part("debug") is not None,
        meta=part("meta") is not None,
        trim=part("trim"),
        crop=crop,
        fit_in=part("fit_in") is not None,
        adaptive=part("adaptive") is not None,
        full=part("full") is not None,
        width=_side(part("width")),
        height=_side(part("height")),
        flip_h=part("flip_h") is not None,
        flip_v=part("flip_v") is not None,
        halign=part("halign"),
        valign=part("valign"),
        smart=part("smart") is not None,
        filters=read_filters(part("filters") or ""),
    )


def read_filters(text: str) -> tuple[FilterCall, ...]:
    """``f(a,b):g()`` -> calls; a colon inside parentheses belongs to the argument."""
    calls: list[FilterCall] = []
    rest = text
    while rest:
        name, paren, after = rest.partition("(")
        depth, end = 1, -1
        for index, char in enumerate(after):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                end = index
                break
        if not paren or end < 0 or not _FILTER_NAME.fullmatch(name):
            raise InvalidParameter("filters", "name(arguments) calls separated by ':'", text)
        inner = _unquoted(after[:end], f"{name}() arguments")
        calls.append(FilterCall(name, tuple(inner.split(",")) if inner else ()))
        rest = after[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidParameter("filters", "name(arguments) calls separated by ':'", text)
        rest = rest[1:]
    return tuple(calls)


def _unquoted(text: str, what: str) -> str:
    """``text`` percent-decoded; a 400 naming ``what`` when the escapes are not UTF-8."""
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise InvalidParameter(what, "percent-encoded UTF-8", text) from None


def _int(digits: str) -> int:
    if len(digits) > _MAX_SIDE_DIGITS:
        raise InvalidParameter("size", f"at most {_MAX_SIDE_DIGITS} digits", digits)
    return int(digits)


def _side(raw: str | None) -> Side:
    if raw is None or raw == "orig":
        return raw
    return _int(raw) or None
