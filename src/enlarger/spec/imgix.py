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
* Parameters are applied in the table's order, not the query's, so a parameter that
  refines another (``duotone-alpha`` of ``duotone``, ``border-top`` of ``border``) means
  the same wherever it stands. One that only refines another (imgix's "depends") is a
  400 without it, instead of being silently ignored.
* ``fit=facearea`` without a face, or without the ``faceindex``-th, is a centred
  ``fit=crop`` (the requested size either way); ``fit=facearea,<fit>`` names another
  fit for that case, as imgix documents. ``crop=faces`` without a face falls back to
  the other ``crop`` values given (directions, entropy, edges, focal point).
* Values imgix defines that this server does not implement (generative fills,
  ``cs=adobergb1998``, imgix-only formats...) are a 400 whose ``expected`` text says
  they are not supported.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.hints import ClientHint
from enlarger.spec.imgix_overlays import OVERLAY_PARAMETERS
from enlarger.spec.imgix_param import Param, requires
from enlarger.spec.model import (
    Auto,
    ColorSpace,
    Crop,
    Duotone,
    FillMode,
    Fit,
    Flip,
    Format,
    MaskShape,
    PaletteFormat,
    RenderSpec,
    Report,
    Sharpen,
    Trim,
    TrimMode,
)
from enlarger.spec.negotiate import DEFAULT_WRITABLE
from enlarger.spec.paths import replace_at, value_at

#: accepted and ignored: the client library tag and the signature (security/ checks it).
IGNORED = frozenset({"ixlib", "s"})

_COLOR = args.ColorArg(unsupported=frozenset({"imgixorange", "imgixblue"}))
_SIDE = args.Length(args.Range(2, 8192))
_LIMIT = args.Integer(args.Range(1, 8192))
#: imgix's formats (and the reports ``fm`` asks for); the formats this libvips cannot
#: write are refused at parse time.
_FM: args.Choice[Format | Report] = args.Choice(
    Format,
    frozenset({"jp2", "jxr", "mp4", "png8", "png32", "webm", "spritesheet"}),
    synonyms={report.value: report for report in Report},
)
_EVERY = args.Integer(args.Range(1))

_PERCENT = args.Integer(args.Range(-100, 100))
_SHARE = args.Integer(args.Range(0, 100))
_WIDTH = args.Integer(args.Range(0, 100))
_PADDING = args.Integer(args.Range(0))
_AT_LEAST_0 = args.Number(args.Range(0))

#: imgix ``sharp`` 100 adds the edges back this many times (radius ``_SHARP_RADIUS`` px).
_SHARP_AT_100 = 2.0
_SHARP_RADIUS = 1.0
#: imgix ``usm`` 100 adds the edges back once; ``usmrad``'s default radius.
_USM_RADIUS = 2.5
#: imgix ``blur`` units per Gaussian sigma pixel (blur=200 is a sigma of 20 px).
_BLUR_PER_SIGMA = 10.0


def _no_effect_at_zero(value: float) -> float | None:
    """0 is the parameter's default: no effect, no step, the same spec as leaving it out."""
    return value or None


def _saturation_factor(sat: int) -> float:
    return 1 + sat / 100


def _sharpen(sharp: float) -> Sharpen | None:
    return Sharpen(sharp / 100 * _SHARP_AT_100, _SHARP_RADIUS, True) if sharp else None


def _unsharp(usm: int) -> Sharpen:
    return Sharpen(usm / 100, _USM_RADIUS)


def _blur_sigma(blur: int) -> float | None:
    return blur / _BLUR_PER_SIGMA if blur else None


def _duotone(colours: tuple[Any, Any]) -> Duotone:
    return Duotone(*colours)


_ADJUST = ("spec", "effects", "adjust")
_TONE = ("spec", "effects", "tone")
_BORDER = ("spec", "effects", "border")
_PAD = ("spec", "geometry", "pad")
_TRIM = ("spec", "geometry", "trim")
_COLOR_TRIMS = requires("trim", "color", "colorunlessalpha")
_GEOMETRY_FIT = ("spec", "geometry", "fit")
_FACE_AREA = ("spec", "geometry", "face_area")
_FACEAREA = requires(
    "fit", args.fits.FACEAREA, *(f"{args.fits.FACEAREA},{fit.value}" for fit in Fit)
)


@dataclass(frozen=True, slots=True)
class ImgixQuery:
    """A parsed imgix query: the render, and when the URL stops being served."""

    spec: RenderSpec = field(default_factory=RenderSpec)
    expires: int | None = None
    #: unknown parameter names skipped because the caller asked to ignore them.
    ignored: tuple[str, ...] = ()
    #: request headers (``ch=``) that fill in the spec per request (``spec/hints.py``).
    hints: frozenset[ClientHint] = frozenset()


#: In the order of the model: geometry, orientation, output, animation, effects, then
#: expiry; a parameter that refines another follows it (they are applied in this order).
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
    Param("fit", args.FitArg(), _GEOMETRY_FIT, ("f",), also=(_FACE_AREA,)),
    Param("facepad", args.Number(args.Range(1, 10)), (*_FACE_AREA, "pad"), requires=_FACEAREA),
    Param("faceindex", args.Integer(args.Range(1)), (*_FACE_AREA, "index"), requires=_FACEAREA),
    Param("crop", args.ChoiceList(args.Choice(Crop)), ("spec", "geometry", "crop")),
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
        _FM,
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
    Param(
        "faces",
        args.IntegerChoice((1,)),
        ("spec", "output", "faces"),
        convert=bool,
        requires=requires("fm", "json"),
    ),
    # adjustment
    Param("bri", _PERCENT, (*_ADJUST, "brightness")),
    Param("con", _PERCENT, (*_ADJUST, "contrast")),
    Param("sat", _PERCENT, (*_ADJUST, "saturation"), convert=_saturation_factor),
    Param("exp", _PERCENT, (*_TONE, "exposure")),
    Param("gam", _PERCENT, (*_TONE, "gamma")),
    Param("high", args.Integer(args.Range(-100, 0)), (*_TONE, "highlight")),
    Param("shad", args.Number(args.Range(0, 100)), (*_TONE, "shadow")),
    Param("hue", args.Integer(args.Range(0, 360)), (*_TONE, "hue")),
    Param("vib", _PERCENT, (*_TONE, "vibrance")),
    Param("invert", args.Boolean(), ("spec", "effects", "invert"), ("inv",)),
    Param(
        "sharp", args.Number(args.Range(0, 100)), ("spec", "effects", "sharpen"), convert=_sharpen
    ),
    Param("usm", _PERCENT, ("spec", "effects", "unsharp"), convert=_unsharp),
    Param(
        "usmrad", _AT_LEAST_0, ("spec", "effects", "unsharp", "radius"), requires=requires("usm")
    ),
    Param("nr", _PERCENT, ("spec", "effects", "denoise", "bound")),
    Param("nrs", _PERCENT, ("spec", "effects", "denoise", "sharpen")),
    # stylize
    Param(
        "blur",
        args.Integer(args.Range(0, 2000)),
        ("spec", "effects", "blur_sigma"),
        convert=_blur_sigma,
    ),
    Param("sepia", _SHARE, ("spec", "effects", "sepia"), convert=_no_effect_at_zero),
    Param("monochrome", _COLOR, ("spec", "effects", "monochrome"), ("mono",)),
    Param("duotone", args.Pair(_COLOR, _COLOR), ("spec", "effects", "duotone"), convert=_duotone),
    Param(
        "duotone-alpha",
        _SHARE,
        ("spec", "effects", "duotone", "alpha"),
        requires=requires("duotone"),
    ),
    Param("px", _SHARE, ("spec", "effects", "pixelate"), convert=_no_effect_at_zero),
    Param("htn", _SHARE, ("spec", "effects", "halftone"), convert=_no_effect_at_zero),
    # border and padding
    Param(
        "border",
        args.Pair(args.Integer(args.Range(1, 100)), _COLOR),
        (*_BORDER, "sides", "all"),
        also=((*_BORDER, "color"),),
    ),
    Param("border-radius", args.CornersArg(), (*_BORDER, "radius"), requires=requires("border")),
    Param(
        "border-radius-inner",
        args.CornersArg(),
        (*_BORDER, "inner_radius"),
        requires=requires("border"),
    ),
    *(
        Param(f"border-{side}", _WIDTH, (*_BORDER, "sides", side), requires=requires("border"))
        for side in ("top", "right", "bottom", "left")
    ),
    Param("pad", _PADDING, (*_PAD, "all")),
    *(Param(f"pad-{side}", _PADDING, (*_PAD, side)) for side in ("top", "right", "bottom", "left")),
    *OVERLAY_PARAMETERS,
    # mask
    Param(
        "mask",
        args.ShapeOrImage(MaskShape),
        ("spec", "effects", "mask_image"),
        routes=((MaskShape, ("spec", "effects", "mask")),),
    ),
    Param(
        "corner-radius",
        args.CornersArg(),
        ("spec", "effects", "mask_radius"),
        requires=requires("mask", "corners"),
    ),
    Param(
        "mask-bg", _COLOR, ("spec", "effects", "mask_bg"), ("maskbg",), requires=requires("mask")
    ),
    # trim
    Param("trim", args.Choice(TrimMode), _TRIM, convert=Trim),
    Param("trim-color", _COLOR, (*_TRIM, "color"), ("trimcolor",), requires=_COLOR_TRIMS),
    Param("trim-tol", _AT_LEAST_0, (*_TRIM, "tolerance"), ("trimtol",), requires=_COLOR_TRIMS),
    Param(
        "trim-md",
        _AT_LEAST_0,
        (*_TRIM, "mean_difference"),
        ("trimmd",),
        requires=requires("trim", "auto"),
    ),
    Param(
        "trim-sd",
        _AT_LEAST_0,
        (*_TRIM, "deviation"),
        ("trimsd",),
        requires=requires("trim", "auto"),
    ),
    Param(
        "trim-pad",
        args.Integer(args.Range(-200, 200)),
        (*_TRIM, "pad"),
        ("trimpad",),
        requires=requires("trim"),
    ),
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
    Param(
        "ch",
        args.ChoiceList(args.Choice(ClientHint, casefold=True)),
        ("hints",),
        base64=False,
    ),
)

_BY_NAME = {name: p for p in PARAMETERS for name in (p.name, *p.aliases)}
_SUPPORTED = "a supported parameter: " + ", ".join(p.name for p in PARAMETERS)


def parse(query: str, writable: frozenset[Format] = DEFAULT_WRITABLE) -> RenderSpec:
    """The ``RenderSpec`` of a raw imgix query string (``expires`` is read and dropped)."""
    return parse_query(query, writable).spec


def parse_query(
    query: str, writable: frozenset[Format] = DEFAULT_WRITABLE, ignore_unknown: bool = False
) -> ImgixQuery:
    """Parse a raw (still percent-encoded) imgix query string.

    ``writable`` are the formats this libvips can write; ``fm`` must name one of them.
    Raises ``InvalidParameter`` (400) naming the first bad parameter; with
    ``ignore_unknown`` a parameter this server does not know is skipped and listed in
    ``ignored`` instead (a bad value of a known one is still a 400).
    """
    values: dict[str, Any] = {}
    given: dict[str, tuple[str, str]] = {}  # name -> (key as given, decoded text)
    ignored: list[str] = []
    for key, raw in _pairs(query):
        if key in IGNORED:
            continue
        if ignore_unknown and not _known(key):
            ignored.append(key)
            continue
        param, text = _lookup(key, raw)
        value = _parse_value(param, key, text, writable)
        if param.name in given:
            if not param.repeatable:
                first = given[param.name][0]
                raise InvalidParameter(
                    key, f"{param.name} only once (already given as {first})", raw
                )
            value = value | values[param.name]
        given[param.name] = (key, text)
        values[param.name] = value
    parsed = ImgixQuery()
    for param in PARAMETERS:
        if param.name in values:
            _check_requirement(param, given)
            for path, value in param.assignments(values[param.name]):
                parsed = _assign(parsed, path, value)
    return replace(parsed, ignored=tuple(ignored)) if ignored else parsed


def _parse_value(param: Param, key: str, text: str, writable: frozenset[Format]) -> Any:
    """The parameter's value; ``fm`` must name a format this server writes, and its
    error lists exactly those (and the imgix formats no Enlarger writes)."""
    if param.arg is not _FM:
        return param.arg.parse(key, text)
    value = _FM.words.get(text)
    if isinstance(value, Report) or value in writable:
        return value
    expected = "a format this server writes: one of " + ", ".join(
        f.value for f in Format if f in writable
    )
    if value is None:
        expected += f" ({', '.join(sorted(_FM.unsupported))}: not supported by this server)"
    raise InvalidParameter(key, expected, text)


def _known(key: str) -> bool:
    plain = key.removesuffix("64") if key.endswith("64") else key
    return key in _BY_NAME or (plain in _BY_NAME and _BY_NAME[plain].base64)


def _check_requirement(param: Param, given: dict[str, tuple[str, str]]) -> None:
    if param.requires is None:
        return
    name, texts = param.requires
    if name not in given or (texts and given[name][1] not in texts):
        key, text = given[param.name]
        wanted = f"{name}={'|'.join(sorted(texts))}" if texts else name
        raise InvalidParameter(key, f"only together with {wanted}", text)


def _assign(parsed: ImgixQuery, path: tuple[str, ...], value: Any) -> ImgixQuery:
    """``replace_at``, first making any unset optional record on the way with its defaults
    (``bri`` alone makes an ``Adjust()`` to set its brightness in)."""
    for depth in range(1, len(path)):
        if value_at(parsed, path[:depth]) is None:
            owner = value_at(parsed, path[: depth - 1])
            declared = typing.get_type_hints(type(owner))[path[depth - 1]]
            (record,) = (t for t in typing.get_args(declared) if dataclasses.is_dataclass(t))
            parsed = replace_at(parsed, path[:depth], typing.cast(type, record)())
    return replace_at(parsed, path, value)


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
