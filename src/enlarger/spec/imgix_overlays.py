"""The imgix parameter rows of what is drawn over the image: watermark, text and blend.

Defaults follow imgix: a watermark sits bottom right, 5 px from the edges; text sits
bottom right, 10 px in, 12 px black sans-serif; a blend is centred, in ``overlay`` mode.
``mark-x``/``mark-y`` and ``blend-x``/``blend-y`` give an offset from the left/top edge
that replaces the alignment on their axis; ``mark-tile=grid`` repeats the mark over the
whole output. The rows are applied in this order (a refinement after what it refines).
"""

from __future__ import annotations

from typing import Any

from enlarger.spec import args
from enlarger.spec.imgix_param import Param, requires
from enlarger.spec.model import (
    Blend,
    BlendMode,
    Color,
    Extent,
    LayerFit,
    MarkPlacement,
    Text,
    Watermark,
)

_COLOR = args.ColorArg(unsupported=frozenset({"imgixorange", "imgixblue"}))
_BOX_SIDE = args.Length(args.Range(2, 8192))
_OFFSET = args.Integer(args.Range(0))
_PERCENT = args.Integer(args.Range(0, 100))
#: imgix suggests only a lower bound for these; the upper one bounds a render's cost.
_TEXT_SIZE = args.Integer(args.Range(1, 512))
_TEXT_LINE = args.Integer(args.Range(0, 50))
_TEXT_LEAD = args.Integer(args.Range(0, 512))
_TEXT_TRACK = args.Integer(args.Range(-4, 100))

_MARK = ("spec", "effects", "watermark")
_TEXT = ("spec", "effects", "text")
_BLEND = ("spec", "effects", "blend")
_END, _START = MarkPlacement.END, MarkPlacement.START

#: imgix's default watermark padding.
_MARK_PAD = 5


def _mark(path: str) -> Watermark:
    return Watermark(path, _END, Extent(_MARK_PAD), _END, Extent(_MARK_PAD))


def _both(value: Any) -> tuple[Any, Any]:
    return value, value


def _from_start(offset: int) -> tuple[MarkPlacement, Extent]:
    return _START, Extent(offset)


def _blend(source: tuple[Color | None, str | None]) -> Blend:
    return Blend(color=source[0], image=source[1])


def _mark_rows() -> tuple[Param, ...]:
    need = requires("mark")
    return (
        Param("mark", args.ImagePath(), _MARK, ("m",), convert=_mark),
        Param(
            "mark-base",
            args.ImagePath(prefix=True),
            (*_MARK, "base"),
            ("mb", "markbase"),
            requires=need,
        ),
        Param(
            "mark-align",
            args.Align((_END, _END)),
            (*_MARK, "x"),
            ("ma", "markalign"),
            also=((*_MARK, "y"),),
            requires=need,
        ),
        Param(
            "mark-pad",
            _OFFSET,
            (*_MARK, "x_offset"),
            ("mp", "markpad"),
            convert=lambda pad: _both(Extent(pad)),
            also=((*_MARK, "y_offset"),),
            requires=need,
        ),
        *(
            Param(
                f"mark-{axis}",
                args.Integer(args.Range(0)),
                (*_MARK, axis),
                (f"m{axis}", f"mark{axis}"),
                convert=_from_start,
                also=((*_MARK, f"{axis}_offset"),),
                requires=need,
            )
            for axis in ("x", "y")
        ),
        Param(
            "mark-tile",
            args.Word("grid", MarkPlacement.TILE),
            (*_MARK, "x"),
            ("mtile", "marktile"),
            convert=_both,
            also=((*_MARK, "y"),),
            requires=need,
        ),
        Param(
            "mark-alpha",
            args.Integer(args.Range(1, 100)),
            (*_MARK, "opacity"),
            ("markalpha", "malph"),
            convert=lambda alpha: alpha / 100,
            requires=need,
        ),
        Param("mark-w", _BOX_SIDE, (*_MARK, "w"), ("mw", "markw"), requires=need),
        Param("mark-h", _BOX_SIDE, (*_MARK, "h"), ("mh", "markh"), requires=need),
        Param(
            "mark-fit",
            args.Choice(LayerFit, only=frozenset(LayerFit) - {LayerFit.CLAMP}),
            (*_MARK, "fit"),
            ("mf", "markfit"),
            requires=need,
        ),
        Param(
            "mark-scale",
            _PERCENT,
            (*_MARK, "w_share"),
            ("ms", "markscale"),
            convert=lambda scale: scale / 100,
            requires=need,
        ),
        Param("mark-rot", args.Angle(), (*_MARK, "rotation"), requires=need),
        Param("mark-if-min-width", args.Integer(args.Range(0)), (*_MARK, "min_w"), requires=need),
        Param("mark-if-min-height", args.Integer(args.Range(0)), (*_MARK, "min_h"), requires=need),
    )


def _text_rows() -> tuple[Param, ...]:
    need = requires("txt")
    return (
        Param("txt", args.OverlayText(), _TEXT, ("t",), convert=Text),
        Param(
            "txt-font",
            args.FontArg(),
            (*_TEXT, "font"),
            ("tf", "txtfont"),
            also=((*_TEXT, "bold"), (*_TEXT, "italic")),
            requires=need,
        ),
        Param(
            "txt-size",
            args.Integer(args.Range(1, 512)),
            (*_TEXT, "size"),
            ("tsz", "txtsize"),
            requires=need,
        ),
        Param(
            "txt-color",
            _COLOR,
            (*_TEXT, "color"),
            ("txtcolor", "txt-clr", "txtclr", "tc"),
            requires=need,
        ),
        Param(
            "txt-align",
            args.Align((_END, _END)),
            (*_TEXT, "x"),
            ("txtalign", "ta"),
            also=((*_TEXT, "y"),),
            requires=need,
        ),
        Param("txt-pad", _OFFSET, (*_TEXT, "pad"), ("txtpad", "tp"), requires=need),
        Param(
            "txt-shad",
            args.Number(args.Range(0, 10)),
            (*_TEXT, "shadow"),
            ("txtshad", "tsh"),
            requires=need,
        ),
        Param(
            "txt-width",
            _OFFSET,
            (*_TEXT, "width"),
            ("txtwidth",),
            requires=need,
        ),
        Param("txt-fit", args.Word("max", True), (*_TEXT, "shrink"), ("txtfit",), requires=need),
        Param(
            "txt-line",
            args.Integer(args.Range(0, 50)),
            (*_TEXT, "line"),
            ("txtline", "tl"),
            requires=need,
        ),
        Param(
            "txt-line-color",
            _COLOR,
            (*_TEXT, "line_color"),
            ("txtlinecolor", "txt-line-clr", "txtlineclr"),
            requires=requires("txt-line"),
        ),
        Param(
            "txt-lead",
            args.Integer(args.Range(0, 512)),
            (*_TEXT, "lead"),
            ("txtlead",),
            requires=need,
        ),
        Param(
            "txt-track",
            args.Integer(args.Range(-4, 100)),
            (*_TEXT, "track"),
            ("txttrack", "tt"),
            requires=need,
        ),
        Param(
            "txt-clip",
            args.ClipArg(),
            (*_TEXT, "clip"),
            ("txtclip", "tcl"),
            also=((*_TEXT, "ellipsis"),),
            requires=need,
        ),
    )


def _blend_rows() -> tuple[Param, ...]:
    need = requires("blend")
    return (
        Param("blend", args.ColourOrImage(_COLOR), _BLEND, ("b",), convert=_blend),
        Param(
            "blend-mode",
            args.Choice(BlendMode),
            (*_BLEND, "mode"),
            ("blendmode", "bm"),
            requires=need,
        ),
        Param("blend-alpha", _PERCENT, (*_BLEND, "alpha"), ("blendalpha", "balph"), requires=need),
        Param(
            "blend-align",
            args.Align((MarkPlacement.CENTER, MarkPlacement.CENTER)),
            (*_BLEND, "x"),
            ("blendalign", "ba"),
            also=((*_BLEND, "y"),),
            requires=need,
        ),
        Param(
            "blend-fit",
            args.Choice(LayerFit, only=frozenset(LayerFit) - {LayerFit.FILL}),
            (*_BLEND, "fit"),
            ("blendfit", "bf"),
            requires=need,
        ),
        Param(
            "blend-crop",
            args.Align(
                (MarkPlacement.CENTER, MarkPlacement.CENTER), ("top", "bottom", "left", "right")
            ),
            (*_BLEND, "crop_x"),
            ("blendcrop", "bc"),
            also=((*_BLEND, "crop_y"),),
            requires=need,
        ),
        Param("blend-w", _BOX_SIDE, (*_BLEND, "w"), ("blendw", "bw"), requires=need),
        Param("blend-h", _BOX_SIDE, (*_BLEND, "h"), ("blendh", "bh"), requires=need),
        Param(
            "blend-x",
            _OFFSET,
            (*_BLEND, "left"),
            ("blendx", "bx"),
            requires=need,
        ),
        Param(
            "blend-y",
            _OFFSET,
            (*_BLEND, "top"),
            ("blendy", "by"),
            requires=need,
        ),
        Param("blend-pad", _OFFSET, (*_BLEND, "pad"), ("blendpad", "bp"), requires=need),
        Param(
            "blend-size",
            args.Word("inherit", True),
            (*_BLEND, "inherit"),
            ("blendsize", "bs"),
            requires=need,
        ),
    )


#: blend first, then watermark, then text: the order they are drawn in.
OVERLAY_PARAMETERS: tuple[Param, ...] = (*_blend_rows(), *_mark_rows(), *_text_rows())
