"""The imgix parameter table: each supported parameter's name, aliases, argument parser and
where its value goes (``spec.imgix`` reads queries with it; ``imgix_reference`` documents
it). Rows for watermarks, text and blends are in ``imgix_overlays``."""

from __future__ import annotations

from typing import Any

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
    Report,
    Sharpen,
    Trim,
    TrimMode,
)

#: accepted and ignored: the client library tag and the signature (security/ checks it).
IGNORED = frozenset({"ixlib", "s"})

_COLOR = args.ColorArg(unsupported=frozenset({"imgixorange", "imgixblue"}))
_SIDE = args.Length(args.Range(2, 8192))
_LIMIT = args.Integer(args.Range(1, 8192))
#: imgix's formats (and the reports ``fm`` asks for); the formats this libvips cannot
#: write are refused at parse time.
FM: args.Choice[Format | Report] = args.Choice(
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
        FM,
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
