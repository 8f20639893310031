"""How far Enlarger supports each parameter of imgix's published list (``imgix-url-params``).

A parameter in ``spec.imgix.PARAMETERS`` is supported, or *partial* when it has a note in
``PARTIAL`` or its parser rejects some of imgix's values as not supported (those values
are listed automatically). Any other parameter is refused with a 400; ``NOT_SUPPORTED``
says why, by name, or else by imgix's category. A row added to the table is therefore
reported as supported with no change here. ``docs/imgix-compatibility.md`` is generated
from this (``spec.imgix_reference``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from enlarger.spec import args
from enlarger.spec.imgix import PARAMETERS


class Support(StrEnum):
    SUPPORTED = "supported"
    PARTIAL = "partial"
    NOT_SUPPORTED = "not supported"


@dataclass(frozen=True, slots=True)
class Status:
    support: Support
    note: str = ""


#: supported parameters that differ from imgix in part: how.
PARTIAL: Mapping[str, str] = {
    "auto": "`enhance` is this server's own levels and colour correction (imgix publishes "
    "no formula); `redeye` needs an eye detector",
    "palette": "`colors` and `average_luminance` as at imgix; imgix's `dominant_colors` "
    "(and the CSS `-ex` classes) are not produced",
    "cs": "without `cs` the output is sRGB with no profile (what `strip` gives); imgix's "
    "default is `origin`",
    "fm": "`jxl` is an extra output format (not in imgix's list)",
    "mark": "a path in the same source or, where `[render] overlay_urls` allows, an "
    "absolute URL; imgix parameters inside the mark's own URL are not applied",
    "mark-tile": "copies are spread evenly over the output (thumbor's tiling), not packed "
    "edge to edge",
    "blend": "a colour, or an image by path (absolute URLs where `[render] overlay_urls` "
    "allows); with a colour, the placement and size parameters have no effect (as at imgix)",
    "blend-crop": "`faces` is not applied to blend images (the face analyser looks at the "
    "main source only)",
    "mask": "an image mask is stretched to the output; without alpha its lightness masks",
    "txt-font": "`sans-serif`, `serif`, `monospace` with `bold`/`italic`, drawn in the "
    "DejaVu fonts the package ships; imgix's named fonts (Helvetica...) are refused",
    "txt": "Latin, Greek, Cyrillic, Hebrew and Arabic in the shipped DejaVu fonts; other "
    "scripts (CJK, emoji) only where the machine has a font for them",
    "txt-size": "at most 512 px (bounds a render's cost)",
    "txt-line": "at most 50 px (bounds a render's cost)",
    "txt-lead": "at most 512 px; applies between lines of a text with newlines",
    "txt-track": "at most 100 px",
    **dict.fromkeys(
        ("crop", "fit", "facepad", "faceindex", "faces"),
        "faces are found by OpenCV's frontal-face Haar cascade (upright faces seen from the "
        "front; docs/faces.md), so imgix may find faces this server misses, and the reverse",
    ),
}

_GENERATIVE = "generative AI at imgix: needs a hosted model this server does not run"
_VIDEO = "video rendering: this server renders still and animated images only"

#: why a parameter is refused, by name (checked before the category).
NOT_SUPPORTED: Mapping[str, str] = {
    "ch": "Client Hints are read from request headers by imgix; use `w` and `dpr` instead",
    "colorquant": "imgix's palette reduction is not implemented; `auto=compress` palettises PNG",
    "dpi": "output DPI metadata is not written: metadata is stripped from every output",
    "iptc": "metadata is stripped from every output (imgix's default)",
    "jpg-progressive": "use `fm=pjpg`",
    "svg-sanitize": "SVG sources are not read",
    "fp-debug": "the focal-point debug overlay is not implemented",
    "rot-type": "`rot` always rotates within the canvas (imgix's `straighten` is not implemented)",
    "transparency": "imgix's transparency grid fill is not implemented",
    "grid-colors": "imgix's transparency grid fill is not implemented",
    "grid-size": "imgix's transparency grid fill is not implemented",
    "rasterize-bypass": "vector and PDF sources are not read",
    "blend-color": "use `blend=<colour>`",
    "txt-x": "use `txt-align` and `txt-pad`",
    "txt-y": "use `txt-align` and `txt-pad`",
    "border-stroke-color": "not implemented yet",
    "border-stroke-size": "not implemented yet",
}

#: why a parameter is refused, by imgix's category.
NOT_SUPPORTED_CATEGORIES: Mapping[str, str] = {
    "background": _GENERATIVE,
    "object-manipulation": _GENERATIVE,
    "super-resolution": _GENERATIVE,
    "fill": "gradient and generative fills are not implemented (`fill=solid` and `fill=blur` are)",
    "license-plate-detection": "no licence-plate detector ships with this server",
    "face-detection": "blurring or pixelating the faces found is not implemented yet",
    "pdf": "PDF sources are not read",
    "video-rendering": _VIDEO,
    "video rendering": _VIDEO,
}

NOT_IMPLEMENTED = "not implemented yet"


def status(name: str, category: str) -> Status:
    """Enlarger's support for the imgix parameter ``name`` (imgix's ``category``)."""
    param = next((p for p in PARAMETERS if p.name == name), None)
    if param is None:
        reason = NOT_SUPPORTED.get(name) or NOT_SUPPORTED_CATEGORIES.get(category)
        return Status(Support.NOT_SUPPORTED, reason or NOT_IMPLEMENTED)
    notes = [PARTIAL[name]] if name in PARTIAL else []
    refused = unsupported_values(param.arg)
    if refused:
        notes.append("not supported: " + ", ".join(f"`{v}`" for v in sorted(refused)))
    if notes:
        return Status(Support.PARTIAL, "; ".join(notes))
    return Status(Support.SUPPORTED)


def unsupported_values(arg: args.Arg[Any]) -> frozenset[str]:
    """The values of imgix's that ``arg`` knows and refuses as not supported."""
    inner = arg.choice if isinstance(arg, args.ChoiceList) else arg
    if isinstance(inner, args.Choice | args.ColorArg):
        return inner.unsupported
    return frozenset()
