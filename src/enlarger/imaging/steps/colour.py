"""Step 7: colour. Sources become 8-bit sRGB (or 8-bit greyscale) with no stray profile.

The conversion itself (CMYK and ICC-tagged sources to sRGB, 16 to 8 bits) runs in the load
step through ``to_working_space``, right after shrink-on-load: the pad, rotate and alpha
steps paint colours given in sRGB, so they must work on sRGB pixels. This step then
decides what the output carries: the source's profile for ``cs=origin`` (pixels left
unconverted), libvips' sRGB profile for ``cs=srgb`` (colour outputs that can hold one),
otherwise (``cs=strip``, and by default) no profile at all: sRGB is what untagged images
mean.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import pyvips

from enlarger.imaging import icc
from enlarger.imaging.state import Run
from enlarger.spec.model import ColorSpace, Format, RenderSpec

_PROFILE = "icc-profile-data"
_GREY = frozenset({"b-w", "grey16"})
#: formats whose files can embed an ICC profile.
_PROFILE_FORMATS = frozenset({Format.JPG, Format.PJPG, Format.PNG, Format.WEBP, Format.AVIF})


def colour(run: Run) -> Run:
    image = run.image
    if run.keep_profile:
        return run
    if tags_srgb(image, run.spec, run.format):
        tagged = image.copy()
        tagged.set_type(pyvips.GValue.blob_type, _PROFILE, srgb_profile())
        return dataclasses.replace(run, image=tagged, keep_profile=True)
    if image.get_typeof(_PROFILE) == 0:
        return run
    image = image.copy()
    image.remove(_PROFILE)
    return run.with_image(image)


def tags_srgb(image: Any, spec: RenderSpec, fmt: Format) -> bool:
    """``cs=srgb`` names the colour space: sRGB pixels get sRGB's profile embedded."""
    return (
        spec.output.cs is ColorSpace.SRGB
        and fmt in _PROFILE_FORMATS
        and image.interpretation == "srgb"
    )


@functools.cache
def srgb_profile() -> bytes:
    """libvips' built-in sRGB profile (a few hundred bytes), as ``icc_transform`` attaches it."""
    patch = pyvips.Image.black(1, 1, bands=3).cast("uchar").copy(interpretation="srgb")
    profile: bytes = patch.icc_transform("srgb", input_profile="srgb").get(_PROFILE)
    return profile


def keeps_origin_profile(image: Any, spec: RenderSpec, fmt: Format) -> bool:
    """``cs=origin`` keeps an RGB source's own profile (and pixels) when it is not sRGB."""
    return (
        spec.output.cs is ColorSpace.ORIGIN
        and fmt in _PROFILE_FORMATS
        and image.interpretation == "srgb"
        and _foreign_profile(image)
    )


def to_working_space(image: Any, *, keep_profile: bool, colour: bool) -> Any:
    """8-bit sRGB, or 8-bit greyscale when the source is grey and ``colour`` is not needed.

    ICC-tagged and CMYK sources are transformed with their embedded profile (CMYK without
    one with libvips' built-in CMYK profile), unless that profile is sRGB already;
    ``keep_profile`` leaves the pixels as they are.
    """
    grey = image.interpretation in _GREY and not colour
    if image.interpretation == "cmyk":
        image = image.icc_transform("srgb", input_profile="cmyk", embedded=True)
    elif _foreign_profile(image) and not keep_profile:
        image = image.icc_transform("srgb", embedded=True)
    target = "b-w" if grey else "srgb"
    if image.interpretation != target or image.format != "uchar":
        image = image.colourspace(target).cast("uchar")
    return image


def _foreign_profile(image: Any) -> bool:
    """An embedded profile other than sRGB (an sRGB-to-sRGB transform would only cost time)."""
    return image.get_typeof(_PROFILE) != 0 and not icc.is_srgb(image.get(_PROFILE))
