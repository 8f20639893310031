"""Step: imgix ``blend``: a colour over the whole image, or another image placed on it,
mixed by one of imgix's 16 modes at ``alpha`` percent (``effects.blend``).

The twelve separable modes are libvips ``composite`` modes (``normal`` is "over"); the
four that mix hue, chroma and lightness (``hue``, ``saturation``, ``color``,
``luminosity``) take those channels from the layer or the image in CIE LCh and draw
the result "over". An image layer is sized to its box (``layers.decode_in_box``), or to
the output's size with ``inherit``, then placed by ``x``/``y`` ``pad`` px from the
edges, or at ``left``/``top``. Returns at once without ``effects.blend``.
"""

from __future__ import annotations

from typing import Any

import pyvips

from enlarger.imaging import layers
from enlarger.imaging.state import Run
from enlarger.spec.model import BLEND, Blend, BlendMode, Extent, Fit, LayerFit

_COMPOSITE_MODES = {
    BlendMode.NORMAL: "over",
    BlendMode.MULTIPLY: "multiply",
    BlendMode.SCREEN: "screen",
    BlendMode.OVERLAY: "overlay",
    BlendMode.DARKEN: "darken",
    BlendMode.LIGHTEN: "lighten",
    BlendMode.DODGE: "colour-dodge",
    BlendMode.BURN: "colour-burn",
    BlendMode.HARDLIGHT: "hard-light",
    BlendMode.SOFTLIGHT: "soft-light",
    BlendMode.DIFFERENCE: "difference",
    BlendMode.EXCLUSION: "exclusion",
}
#: LCh bands (lightness, chroma, hue) each non-separable mode takes from the layer.
_FROM_LAYER = {
    BlendMode.HUE: (2,),
    BlendMode.SATURATION: (1,),
    BlendMode.COLOR: (1, 2),
    BlendMode.LUMINOSITY: (0,),
}


def blend(run: Run) -> Run:
    spec = run.spec.effects.blend
    if spec is None:
        return run
    image = run.image
    layer = _full_size_layer(run, spec)
    layer = layers.scale_alpha(layer, spec.alpha / 100)
    if spec.mode in _FROM_LAYER:
        layer = _mixed_lch(layers.as_colour(image), layer, _FROM_LAYER[spec.mode])
        return run.with_image(layers.draw_over(image, layer, [(0, 0)]))
    return run.with_image(layers.draw_over(image, layer, [(0, 0)], _COMPOSITE_MODES[spec.mode]))


def _full_size_layer(run: Run, spec: Blend) -> Any:
    """The layer as an sRGB + alpha image of the output's size (transparent around it)."""
    width, height = run.image.width, run.image.height
    if spec.color is not None:
        everywhere = pyvips.Image.black(width, height) + 255
        return layers.painted(everywhere.cast("uchar"), spec.color)
    if spec.inherit:
        fit = LayerFit.CROP if run.spec.geometry.fit is Fit.CROP else LayerFit.SCALE
        box: layers.Box = (width, height)
    else:
        fit, box = spec.fit, layers.box_of(spec.w, spec.h, (width, height))
    placed = layers.decode_in_box(run.extras[BLEND], box, fit, (spec.crop_x, spec.crop_y))
    pad = Extent(spec.pad)
    (left,) = (
        [spec.left] if spec.left is not None else layers.positions(spec.x, pad, width, placed.width)
    )
    (top,) = (
        [spec.top] if spec.top is not None else layers.positions(spec.y, pad, height, placed.height)
    )
    return placed.embed(left, top, width, height, extend="background", background=[0, 0, 0, 0])


def _mixed_lch(base: Any, layer: Any, from_layer: tuple[int, ...]) -> Any:
    """The layer's colour with ``from_layer``'s LCh bands of the layer and the others of
    ``base``, keeping the layer's alpha."""
    base_lch = base.extract_band(0, n=3).colourspace("lch")
    layer_lch = layer.extract_band(0, n=3).colourspace("lch")
    bands = [
        (layer_lch if band in from_layer else base_lch).extract_band(band) for band in range(3)
    ]
    mixed = bands[0].bandjoin(bands[1:]).copy(interpretation="lch").colourspace("srgb")
    return mixed.cast("uchar").bandjoin(layer.extract_band(3))
