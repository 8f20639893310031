"""thumbor's filters: one declarative table of names, arguments, status and effect.

Each filter reads its arguments with the shared ``spec.args`` parsers and sets
dialect-neutral ``RenderSpec`` fields (``effects.adjust``, ``output.q`` ...), so the
pipeline knows nothing of thumbor. Unlike thumbor, which skips a filter it cannot read,
an unknown filter, a wrong number of arguments or a bad argument is a 400 naming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from enlarger.errors import ClientError, InvalidParameter
from enlarger.spec import args
from enlarger.spec.model import (
    Adjust,
    Color,
    FillMode,
    Fit,
    Format,
    RgbShift,
    RoundCorner,
    Sharpen,
)
from enlarger.spec.thumbor import focal, kernel, watermark
from enlarger.spec.thumbor.draft import Draft, Status
from enlarger.spec.thumbor.grammar import FilterCall

Apply = Callable[[Draft, tuple[Any, ...]], Draft]


@dataclass(frozen=True, slots=True)
class Words:
    """One of a fixed set of words, each standing for a value."""

    values: Mapping[str, Any]

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(self.values)

    def parse(self, parameter: str, raw: str) -> Any:
        if raw.lower() not in self.values:
            raise args.base.fail(parameter, self, raw)
        return self.values[raw.lower()]

    def format(self, value: Any) -> str:
        return next(word for word, known in self.values.items() if known == value)


@dataclass(frozen=True, slots=True)
class Either:
    """A word from ``words``, else a value of ``arg``."""

    words: Words
    arg: args.Arg[Any]

    @property
    def expected(self) -> str:
        return f"{self.words.expected}, or {self.arg.expected}"

    def parse(self, parameter: str, raw: str) -> Any:
        if raw.lower() in self.words.values:
            return self.words.values[raw.lower()]
        try:
            return self.arg.parse(parameter, raw)
        except InvalidParameter:
            raise args.base.fail(parameter, self, raw) from None

    def format(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True, slots=True)
class RadiusPair:
    """``a`` or ``a|b``: the corner's horizontal and vertical radius in pixels."""

    @property
    def expected(self) -> str:
        return "a radius in pixels, or two as a|b"

    def parse(self, parameter: str, raw: str) -> tuple[int, int]:
        parts = raw.split("|")
        side = args.Integer(args.Range(0, 10_000))
        if len(parts) > 2:
            raise args.base.fail(parameter, self, raw)
        radii = [side.parse(parameter, part) for part in parts]
        return radii[0], radii[-1]

    def format(self, value: tuple[int, int]) -> str:
        return f"{value[0]}|{value[1]}"


@dataclass(frozen=True, slots=True)
class Filter:
    """One thumbor filter: its arguments (the last ``len(defaults)`` optional) and effect."""

    name: str
    params: tuple[args.Arg[Any], ...]
    apply: Apply | None
    status: Status = Status.SUPPORTED
    note: str = ""
    defaults: tuple[Any, ...] = ()

    def read(self, draft: Draft, call: FilterCall) -> Draft:
        if self.apply is None:
            raise ClientError(f"filter {self.name}() is {self.status}: {self.note}")
        given = call.args
        least = len(self.params) - len(self.defaults)
        if not least <= len(given) <= len(self.params):
            count = f"{least}" if least == len(self.params) else f"{least} to {len(self.params)}"
            raise InvalidParameter(f"{self.name}()", f"{count} arguments", ",".join(given))
        values = [
            param.parse(f"{self.name}() argument {index + 1}", raw.strip())
            for index, (param, raw) in enumerate(zip(self.params, given, strict=False))
        ]
        values += self.defaults[len(values) - least :]
        return self.apply(draft, tuple(values))


_PERCENT = args.Integer(args.Range(-100, 100))
_BYTE = args.Integer(args.Range(0, 255))
_FORMATS = Words(
    {
        "jpeg": Format.JPG,
        "jpg": Format.JPG,
        "png": Format.PNG,
        "webp": Format.WEBP,
        "gif": Format.GIF,
        "avif": Format.AVIF,
    }
)
_FILL = Either(
    Words({"blur": FillMode.BLUR, "transparent": Color(0, 0, 0, 0), "auto": "auto"}),
    args.ColorArg(),
)
#: thumbor's fit modes and the ones a ``fill()`` pads, or ``upscale()`` lets grow.
_FILLED = {Fit.MAX: Fit.FILLMAX, Fit.CLIP: Fit.FILL}
_UPSCALED = {Fit.MAX: Fit.CLIP, Fit.FILLMAX: Fit.FILL}


def _fit(mapping: Mapping[Fit, Fit]) -> Apply:
    def apply(draft: Draft, _: tuple[Any, ...]) -> Draft:
        fit = draft.spec.geometry.fit
        return draft.set("geometry.fit", mapping.get(fit, fit))

    return apply


def _set(path: str, convert: Callable[..., Any] = lambda value: value) -> Apply:
    return lambda draft, values: draft.set(path, convert(*values))


def _adjust(name: str) -> Apply:
    def apply(draft: Draft, values: tuple[Any, ...]) -> Draft:
        adjust = draft.spec.effects.adjust or Adjust()
        return draft.set("effects.adjust", dataclasses.replace(adjust, **{name: float(values[0])}))

    return apply


def _fill(draft: Draft, values: tuple[Any, ...]) -> Draft:
    colour, fill_transparent = values
    if colour == "auto" and fill_transparent:
        raise ClientError("filter fill(auto, true) is not supported yet: give a colour")
    fit = draft.spec.geometry.fit
    if not draft.spec.geometry.cover:  # full-fit-in covers the box: nothing to fill
        draft = draft.set("geometry.fit", _FILLED.get(fit, fit))
    if colour is FillMode.BLUR:
        return draft.set("geometry.fill", FillMode.BLUR)
    if colour == "auto":
        return draft.set("geometry.fill_from_image", True)
    draft = draft.set("geometry.fill_color", colour)
    return draft.set("output.bg", colour) if fill_transparent else draft


def _blur(draft: Draft, values: tuple[Any, ...]) -> Draft:
    radius, sigma = values
    return draft.set("effects.blur_sigma", float(sigma or radius))


def _rotate(draft: Draft, values: tuple[Any, ...]) -> Draft:
    (angle,) = values
    if angle % 90:
        raise InvalidParameter("rotate() argument 1", "a multiple of 90", str(angle))
    return draft.set("orientation.turn", angle % 360)


def _round_corner(draft: Draft, values: tuple[Any, ...]) -> Draft:
    (a, b), red, green, blue, transparent = values
    return draft.set(
        "effects.round_corner", RoundCorner(a, b, Color(red, green, blue), transparent)
    )


def _max_age(draft: Draft, values: tuple[Any, ...]) -> Draft:
    return Draft(draft.spec, values[0], draft.meta)


def _keep(draft: Draft, _: tuple[Any, ...]) -> Draft:
    return draft


def _later(name: str, note: str, *params: args.Arg[Any]) -> Filter:
    return Filter(name, params, None, Status.NOT_YET, note)


FILTERS: tuple[Filter, ...] = (
    Filter("format", (_FORMATS,), _set("output.fm")),
    Filter("quality", (args.Integer(args.Range(0, 100)),), _set("output.q")),
    Filter("max_bytes", (args.Integer(args.Range(1)),), _set("output.max_bytes")),
    Filter("max_age", (args.Integer(args.Range(0)),), _max_age, note="sets Cache-Control"),
    Filter("background_color", (args.ColorArg(),), _set("output.bg")),
    Filter(
        "fill",
        (_FILL, args.Boolean()),
        _fill,
        defaults=(False,),
        note="auto: the mean colour; auto with fill_transparent: not yet",
    ),
    Filter("upscale", (), _fit(_UPSCALED)),
    Filter("no_upscale", (), _set("geometry.within_source", lambda: True)),
    Filter("stretch", (), _fit({Fit.CROP: Fit.SCALE})),
    Filter(
        "proportion",
        (args.Number(args.Range(0, 1, min_exclusive=True)),),
        _set("geometry.final_scale"),
    ),
    Filter(
        "autojpg",
        (args.Boolean(),),
        _set("output.opaque_png_as_jpeg"),
        defaults=(True,),
        note="a PNG source with no transparent pixel; not built into thumbor 7",
    ),
    Filter("rotate", (args.Integer(),), _rotate),
    Filter("grayscale", (), _set("effects.grayscale", lambda: True)),
    Filter("brightness", (_PERCENT,), _adjust("brightness")),
    Filter("contrast", (_PERCENT,), _adjust("contrast")),
    Filter("saturation", (args.Number(args.Range(0, 100)),), _adjust("saturation")),
    Filter("rgb", (_PERCENT, _PERCENT, _PERCENT), _set("effects.rgb_shift", RgbShift)),
    Filter("equalize", (), _set("effects.equalize", lambda: True)),
    Filter(
        "blur",
        (args.Number(args.Range(0, 150, min_exclusive=True)), args.Number(args.Range(0, 150))),
        _blur,
        defaults=(0.0,),
    ),
    Filter(
        "sharpen",
        (args.Number(args.Range(0, 10)), args.Number(args.Range(0, 100)), args.Boolean()),
        _set("effects.sharpen", Sharpen),
    ),
    Filter(
        "focal",
        (focal.FocalBox(),),
        focal.apply_focal,
        note="one box: a later focal() replaces an earlier one",
    ),
    Filter(
        "extract_focal",
        (),
        _keep,
        note="the image path is a thumbor URL: its image, focused on its manual crop",
    ),
    Filter("convolution", kernel.PARAMS, kernel.apply_convolution, defaults=kernel.DEFAULTS),
    Filter(
        "noise",
        (args.Number(args.Range(0, 100)), args.Integer(args.Range(0))),
        lambda draft, values: draft.set("effects.noise", values[0]),
        defaults=(0,),
        note="seeded per render, not thumbor's random sequence",
    ),
    Filter(
        "round_corner",
        (RadiusPair(), _BYTE, _BYTE, _BYTE, args.Boolean()),
        _round_corner,
        defaults=(False,),
    ),
    Filter(
        "watermark",
        watermark.PARAMS,
        watermark.apply_watermark,
        defaults=watermark.DEFAULTS,
        note="the image is a path in the same origin, not a URL",
    ),
    Filter("strip_exif", (), _keep, Status.ALWAYS, "Enlarger never writes EXIF"),
    Filter(
        "strip_icc",
        (),
        _keep,
        Status.ALWAYS,
        "Enlarger converts to sRGB and writes no profile",
    ),
    Filter("cover", (), _keep, Status.ALWAYS, "Enlarger renders the first frame of a GIF"),
    _later("colorize", "not in the thumbor compatibility scope"),
    _later("curve", "not in the thumbor compatibility scope"),
    _later("frame", "not in the thumbor compatibility scope"),
    _later("redeye", "not in the thumbor compatibility scope"),
)
BY_NAME = {entry.name: entry for entry in FILTERS}


def apply_filters(draft: Draft, calls: tuple[FilterCall, ...]) -> Draft:
    """Apply each call in order; 400 for an unknown one."""
    for call in calls:
        entry = BY_NAME.get(call.name)
        if entry is None:
            raise InvalidParameter("filters", "a thumbor filter name", call.name)
        draft = entry.read(draft, call)
    return draft
