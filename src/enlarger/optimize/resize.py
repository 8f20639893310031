"""Kraken's resize options, validated, and the ``RenderSpec`` each one renders through.

``resize`` is one object or a list of up to ``MAX_SETS`` objects with unique ``id``s.
Strategies, in Kraken's terms and as imgix geometry:

* ``exact``: exactly ``width`` x ``height``, aspect ratio ignored (``fit=scale``);
* ``portrait`` / ``landscape``: ``height`` / ``width`` fixed, the other side follows;
* ``auto``: ``landscape`` for a landscape source, ``portrait`` otherwise;
* ``fit``: within ``width`` x ``height``, aspect ratio kept (``fit=clip``);
* ``crop``: fill ``width`` x ``height`` and crop the rest, towards ``gravity``;
* ``square``: a ``size`` x ``size`` crop from the centre;
* ``fill``: within ``width`` x ``height``, the rest filled with ``background``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from enlarger.errors import InvalidParameter
from enlarger.spec.args import ColorArg
from enlarger.spec.model import (
    WHITE,
    Auto,
    Color,
    Crop,
    Extent,
    FillMode,
    Fit,
    Format,
    Geometry,
    Output,
    RenderSpec,
)

MAX_SETS = 10
MAX_SIDE = 8192
STRATEGIES = ("exact", "portrait", "landscape", "auto", "fit", "crop", "square", "fill")
#: Kraken's gravity -> imgix crop anchors.
GRAVITY: Mapping[str, frozenset[Crop]] = {
    "center": frozenset(),
    "n": frozenset({Crop.TOP}),
    "s": frozenset({Crop.BOTTOM}),
    "e": frozenset({Crop.RIGHT}),
    "w": frozenset({Crop.LEFT}),
    "ne": frozenset({Crop.TOP, Crop.RIGHT}),
    "nw": frozenset({Crop.TOP, Crop.LEFT}),
    "se": frozenset({Crop.BOTTOM, Crop.RIGHT}),
    "sw": frozenset({Crop.BOTTOM, Crop.LEFT}),
}
_KEYS = frozenset({"id", "width", "height", "strategy", "gravity", "size", "background", "enhance"})


@dataclass(frozen=True, slots=True)
class Resize:
    id: str
    strategy: str
    width: int | None = None
    height: int | None = None
    size: int | None = None
    gravity: str = "center"
    background: Color = WHITE
    enhance: bool = False

    def render_spec(self, source_width: int, source_height: int) -> RenderSpec:
        """The render that makes this size, as PNG so the optimizer sees no loss yet."""
        strategy = self.strategy
        if strategy == "auto":
            strategy = "landscape" if source_width >= source_height else "portrait"
        auto = frozenset({Auto.ENHANCE}) if self.enhance else frozenset()
        output = Output(fm=Format.PNG, lossless=True, auto=auto)
        return RenderSpec(geometry=self._geometry(strategy), output=output)

    def _geometry(self, strategy: str) -> Geometry:
        w = None if self.width is None else Extent(self.width)
        h = None if self.height is None else Extent(self.height)
        if strategy == "portrait":
            return Geometry(h=h, fit=Fit.CLIP)
        if strategy == "landscape":
            return Geometry(w=w, fit=Fit.CLIP)
        if strategy == "exact":
            return Geometry(w=w, h=h, fit=Fit.SCALE)
        if strategy == "crop":
            return Geometry(w=w, h=h, fit=Fit.CROP, crop=GRAVITY[self.gravity])
        if strategy == "square":
            side = Extent(self.size or 0)
            return Geometry(w=side, h=side, fit=Fit.CROP)
        if strategy == "fill":
            return Geometry(w=w, h=h, fit=Fit.FILL, fill=FillMode.SOLID, fill_color=self.background)
        return Geometry(w=w, h=h, fit=Fit.CLIP)  # fit


def parse_resize(raw: Any) -> tuple[tuple[Resize, ...], bool]:
    """The resizes asked for, and whether they came as a list (a set with ``results``)."""
    if isinstance(raw, Mapping):
        return (_one(raw, default_id="resize"),), False
    if not isinstance(raw, list) or not raw:
        raise InvalidParameter("resize", "an object or a non-empty list of objects", str(raw))
    if len(raw) > MAX_SETS:
        raise InvalidParameter("resize", f"at most {MAX_SETS} sizes", str(len(raw)))
    sizes = tuple(_one(item, default_id=None) for item in raw)
    ids = [size.id for size in sizes]
    if len(set(ids)) != len(ids):
        raise InvalidParameter("resize", "unique ids", ", ".join(ids))
    return sizes, True


def _one(raw: Any, default_id: str | None) -> Resize:
    if not isinstance(raw, Mapping):
        raise InvalidParameter("resize", "an object", str(raw))
    for key in raw:
        if key not in _KEYS:
            raise InvalidParameter(f"resize.{key}", f"one of {', '.join(sorted(_KEYS))}", key)
    ident = raw.get("id", default_id)
    if not isinstance(ident, str) or not ident or len(ident) > 64:
        raise InvalidParameter("resize.id", "a string of 1 to 64 characters", str(ident))
    strategy = raw.get("strategy", "auto")
    if strategy not in STRATEGIES:
        raise InvalidParameter("resize.strategy", f"one of {', '.join(STRATEGIES)}", str(strategy))
    gravity = raw.get("gravity", "center")
    if gravity not in GRAVITY:
        raise InvalidParameter("resize.gravity", f"one of {', '.join(GRAVITY)}", str(gravity))
    enhance = raw.get("enhance", False)
    if not isinstance(enhance, bool):
        raise InvalidParameter("resize.enhance", "true or false", str(enhance))
    resize = Resize(
        id=ident,
        strategy=strategy,
        width=_side(raw, "width"),
        height=_side(raw, "height"),
        size=_side(raw, "size"),
        gravity=gravity,
        background=parse_colour("resize.background", raw.get("background", "#ffffff")),
        enhance=enhance,
    )
    _check_sides(resize)
    return resize


def _side(raw: Mapping[str, Any], key: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIDE:
        raise InvalidParameter(f"resize.{key}", f"a whole number from 1 to {MAX_SIDE}", str(value))
    return value


def _check_sides(resize: Resize) -> None:
    needs = {
        "portrait": ("height",),
        "landscape": ("width",),
        "square": ("size",),
        "auto": ("width", "height"),
    }.get(resize.strategy, ("width", "height"))
    for key in needs:
        if getattr(resize, key) is None:
            raise InvalidParameter(
                f"resize.{key}", f"a whole number (strategy {resize.strategy} needs it)", "missing"
            )


def parse_colour(parameter: str, raw: Any) -> Color:
    """A Kraken colour: ``#rrggbb`` (or any imgix hex form) or a CSS name."""
    if not isinstance(raw, str):
        raise InvalidParameter(parameter, "a colour such as #ffffff", str(raw))
    return ColorArg().parse(parameter, raw.removeprefix("#"))
