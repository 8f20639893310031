"""URL colours (sRGB 0-255 with alpha) as pixel values for a working image's bands."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import pyvips

from enlarger.imaging.icc import is_srgb
from enlarger.spec.model import Color

_PROFILE = "icc-profile-data"


def is_grey(colour: Color) -> bool:
    return colour.r == colour.g == colour.b


def pixel(colour: Color, image: Any) -> list[float]:
    """``colour`` as band values of ``image`` (8-bit sRGB or greyscale, with or without alpha).

    A greyscale image gets the colour's luma (Rec. 601); the load step turns greyscale
    sources into colour whenever a colour that is not a grey will be painted on them.
    """
    if image.bands in (1, 2):
        values = [0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b]
    else:
        values = _in_profile(colour, _kept_profile(image))
    if image.hasalpha():
        values.append(float(colour.a))
    return values


def with_alpha(image: Any) -> Any:
    """``image`` with an opaque alpha band added when it has none."""
    return image if image.hasalpha() else image.bandjoin_const([255])


def _kept_profile(image: Any) -> bytes | None:
    """The profile an image's pixels are in, when it is not sRGB (``cs=origin`` keeps it)."""
    if image.get_typeof(_PROFILE) == 0:
        return None
    profile: bytes = image.get(_PROFILE)
    return None if is_srgb(profile) else profile


def _in_profile(colour: Color, profile: bytes | None) -> list[float]:
    """An sRGB colour's RGB values in ``profile`` (unchanged without one)."""
    rgb = [float(colour.r), float(colour.g), float(colour.b)]
    if profile is None:
        return rgb
    patch = (pyvips.Image.black(1, 1) + rgb).cast("uchar").copy(interpretation="srgb")
    converted = patch.icc_transform(_profile_file(profile), input_profile="srgb")
    return [float(v) for v in converted(0, 0)]


@functools.lru_cache(maxsize=32)
def _profile_file(profile: bytes) -> str:
    """libvips reads output profiles from files: one per distinct profile, written once."""
    folder = Path(tempfile.gettempdir()) / "enlarger-icc"
    folder.mkdir(exist_ok=True)
    path = folder / f"{hashlib.sha256(profile).hexdigest()}.icc"
    if not path.exists():
        partial = folder / f"{path.name}.{os.getpid()}.part"
        partial.write_bytes(profile)
        partial.replace(path)
    return str(path)
