"""The imgix URL dialect: a raw query string -> ``RenderSpec``.

One declarative table (``PARAMETERS``) says, for each supported parameter, its imgix
name and aliases, which ``spec.args`` parser reads it and where the value goes in the
``ImgixQuery``: the ``RenderSpec``, or ``expires``, which is a check on the request and
not part of what is rendered (two expiry times of one image share its ETag and keys).

Decoding follows imgix's clients (js-core ``encodeURIComponent``, imgix-python
``quote``): ``%XX`` escapes are UTF-8 and ``+`` is a literal plus, never a space. No
valid value of a supported parameter except ``dl`` can contain a plus, so reading it
literally only changes file names, and keeps what was signed and what is read the same.

Choices made where imgix leaves room:

* ``<name>64`` (base64url value) works for every parameter except ``auto``, as at imgix.
* A parameter given twice, also through an alias or its ``64`` form, is a 400; only
  ``auto`` may repeat (imgix documents ``auto=compress&auto=format``), values merged.
* Empty values are a 400, except ``dl=`` (download under the source's own name:
  ``Output.dl == ""``) and the ignored ``ixlib`` and ``s``.
* ``auto=true`` is imgix's old spelling of ``auto=enhance`` (an automatic levels and
  colour correction, ``imaging/steps/enhance.py``). ``auto=redeye`` needs an eye detector
  this server does not have: a 400 that says so, never a silent no-op.
* Values imgix defines that this server does not implement (``fit=facearea``,
  ``crop=faces``, generative fills, ``cs=adobergb1998``, imgix-only formats...) are a
  400 whose ``expected`` text says they are not supported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.model import (
    Auto,
    ColorSpace,
    Crop,
    FillMode,
    Fit,
    Flip,
    Format,
    PaletteFormat,
    RenderSpec,
    Report,
)
from enlarger.spec.negotiate import DEFAULT_WRITABLE
from enlarger.spec.paths import replace_at, value_at

#: accepted and ignored: the client library tag and the signature (security/ checks it).
IGNORED = frozenset({"ixlib", "s"})

_COLOR = args.ColorArg(unsupported=frozenset({"imgixorange", "imgixblue"}))
_SIDE = args.Length(args.Range(2, 8192))
_LIMIT = args.Integer(args.Range(1, 8192))
_EVERY = args.Integer(args.Range(1))
_FORMAT_OR_REPORT: args.Choice[Format | Report] = args.Choice(
    Format,
    frozenset({"jp2", "jxr", "mp4", "png8", "png32", "webm", "spritesheet"}),
    synonyms={report.value: report for report in Report},
)


@dataclass(frozen=True, slots=True)
class ImgixQuery:
    """A parsed imgix query: the render, and when the URL stops being served."""

    spec: RenderSpec = field(default_factory=RenderSpec)
    expires: int | None = None


@dataclass(frozen=True, slots=True)
class Param:
    """One imgix parameter: its name, aliases, parser, and the ``ImgixQuery`` field it sets."""

    name: str
    arg: args.Arg[Any]
    path: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    base64: bool = True
    repeatable: bool = False
    #: values of these types set another field (``fm=json`` asks for a report, not a format).
    routes: tuple[tuple[type, tuple[str, ...]], ...] = ()

    def path_for(self, value: object) -> tuple[str, ...]:
        return next((path for kind, path in self.routes if isinstance(value, kind)), self.path)


#: In the order of the model: geometry, orientation, output, animation, then expiry.
PARAMETERS: tuple[Param, ...] = (
    Param("w", _SIDE, ("spec", "geometry", "w"), ("width",)),
    Param("h", _SIDE, ("spec", "geometry", "h"), ("height",)),
    Param("dpr", args.Number(args.Range(0, 5, min_exclusive=True)), ("spec", "geometry", "dpr")),
    Param("min-w", _LIMIT, ("spec", "geometry", "min_w"), ("min-width",)),
    Param("min-h", _LIMIT, ("spec", "geometry", "min_h"), ("min-height",)),
    Param("max-w", _LIMIT, ("spec", "geometry", "max_w"), ("max-width",)),
    Param("max-h", _LIMIT, ("spec", "geometry", "max_h"), ("max-height",)),
    Param("ar", args.Ratio(), ("spec", "geometry", "ar")),
    Param("rect", args.RectArg(), ("spec", "geometry", "rect")),
    Param("fit", args.Choice(Fit, frozenset({"facearea"})), ("spec", "geometry", "fit"), ("f",)),
    Param(
        "crop",
        args.ChoiceList(args.Choice(Crop, frozenset({"faces"}))),
        ("spec", "geometry", "crop"),
    ),
    Param("fp-x", args.UNIT_SCALAR, ("spec", "geometry", "focal", "x")),
    Param("fp-y", args.UNIT_SCALAR, ("spec", "geometry", "focal", "y")),
    Param("fp-z", args.Number(args.Range(1, 100)), ("spec", "geometry", "focal", "z")),
    Param(
        "fill",
        args.Choice(FillMode, frozenset({"gen", "generative", "gradient"})),
        ("spec", "geometry", "fill"),
    ),
    Param("fill-color", _COLOR, ("spec", "geometry", "fill_color"), ("fillcolor",)),
    Param("rot", args.Angle(), ("spec", "orientation", "rot")),
    Param("flip", args.Choice(Flip), ("spec", "orientation", "flip")),
    Param(
        "orient",
        args.IntegerChoice((0, 1, 2, 3, 4, 5, 6, 7, 8, 90, 180, 270)),
        ("spec", "orientation", "orient"),
        ("or",),
    ),
    Param(
        "fm",
        _FORMAT_OR_REPORT,
        ("spec", "output", "fm"),
        routes=((Report, ("spec", "output", "report")),),
    ),
    Param("q", args.Integer(args.Range(0, 100)), ("spec", "output", "q")),
    Param("lossless", args.Boolean(), ("spec", "output", "lossless")),
    Param("chromasub", args.IntegerChoice((444, 422, 420)), ("spec", "output", "chromasub")),
    Param(
        "cs",
        args.Choice(ColorSpace, frozenset({"adobergb1998", "tinysrgb"})),
        ("spec", "output", "cs"),
    ),
    Param("bg", _COLOR, ("spec", "output", "bg")),
    Param(
        "auto",
        args.ChoiceList(args.Choice(Auto, frozenset({"redeye"}), synonyms={"true": Auto.ENHANCE})),
        ("spec", "output", "auto"),
        base64=False,
        repeatable=True,
    ),
    Param("dl", args.Filename(), ("spec", "output", "dl")),
    Param("palette", args.Choice(PaletteFormat), ("spec", "output", "palette")),
    Param("colors", args.Integer(args.Range(0, 16)), ("spec", "output", "colors")),
    Param("prefix", args.CssIdentifier(), ("spec", "output", "prefix")),
    Param("frame", args.FrameSpan(), ("spec", "animation", "frames")),
    Param("interval", _EVERY, ("spec", "animation", "interval")),
    Param("skip", _EVERY, ("spec", "animation", "skip")),
    Param("reverse", args.Boolean(), ("spec", "animation", "reverse")),
    Param("fps", args.Integer(args.Range(1, 60)), ("spec", "animation", "fps")),
    Param("loop", args.Integer(args.Range(0)), ("spec", "animation", "loop")),
    Param("expires", args.TIMESTAMP, ("expires",)),
)

_BY_NAME = {name: p for p in PARAMETERS for name in (p.name, *p.aliases)}
_SUPPORTED = "a supported parameter: " + ", ".join(p.name for p in PARAMETERS)


def parse(query: str, writable: frozenset[Format] = DEFAULT_WRITABLE) -> RenderSpec:
    """The ``RenderSpec`` of a raw imgix query string (``expires`` is read and dropped)."""
    return parse_query(query, writable).spec


def parse_query(query: str, writable: frozenset[Format] = DEFAULT_WRITABLE) -> ImgixQuery:
    """Parse a raw (still percent-encoded) imgix query string.

    ``writable`` are the formats this libvips can write; ``fm`` must name one of them.
    Raises ``InvalidParameter`` (400) naming the first bad parameter.
    """
    parsed = ImgixQuery()
    given: dict[str, str] = {}
    for key, raw in _pairs(query):
        if key in IGNORED:
            continue
        param, text = _lookup(key, raw)
        value = param.arg.parse(key, text)
        if param.name in given:
            if not param.repeatable:
                first = given[param.name]
                raise InvalidParameter(
                    key, f"{param.name} only once (already given as {first})", raw
                )
            value = value | value_at(parsed, param.path)
        given[param.name] = key
        if param.name == "fm" and isinstance(value, Format) and value not in writable:
            names = ", ".join(f.value for f in Format if f in writable)
            raise InvalidParameter(key, f"a format this server writes: one of {names}", text)
        parsed = replace_at(parsed, param.path_for(value), value)
    return parsed


def _pairs(query: str) -> Iterator[tuple[str, str]]:
    """Decoded ``(name, value)`` pairs; empty segments (``a=1&&b=2``) are skipped."""
    for segment in query.split("&"):
        if segment:
            key, _, raw = segment.partition("=")
            name = _decode(key, key)
            yield name, _decode(name, raw)


def _decode(parameter: str, text: str) -> str:
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidParameter(parameter, "percent-encoded UTF-8", text) from None


def _lookup(key: str, raw: str) -> tuple[Param, str]:
    """The parameter ``key`` names and its text, decoding ``<name>64`` base64url values."""
    param = _BY_NAME.get(key)
    if param is not None:
        return param, raw
    plain = _BY_NAME.get(key.removesuffix("64")) if key.endswith("64") else None
    if plain is not None and plain.base64:
        return plain, args.decode_base64url(key, raw)
    raise InvalidParameter(key, _SUPPORTED, raw)
