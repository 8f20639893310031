"""Header facts of a source, read without decoding its pixels."""

from __future__ import annotations

import pyvips

from enlarger.errors import UnprocessableImage
from enlarger.imaging.errors import decode_errors
from enlarger.imaging.formats import READABLE_LOADERS, loader_name
from enlarger.imaging.heic import HEIC_LOADER, heic_facts
from enlarger.spec.facts import SourceFacts


def probe(data: bytes) -> SourceFacts:
    """Read ``data``'s header (libvips opens lazily: no pixel is decoded here).

    Raises ``UnprocessableImage`` when libvips cannot load it or it is not a format we
    accept as a source (libvips also reads CSV, matrix and raw files, which are not images).
    HEIC's facts come from pillow-heif, which decodes it in ``render`` (``imaging.heic``).
    """
    with decode_errors():
        image = pyvips.Image.new_from_buffer(data, "")
    loader = loader_name(image)
    if loader not in READABLE_LOADERS:
        raise UnprocessableImage("not an image format this server reads", loader=loader)
    if loader == HEIC_LOADER:
        if _str_field(image, "heif-compression") != "av1":
            return heic_facts(data)  # HEVC: libvips reads the header but cannot decode it
        loader = "avif"  # one libvips loader reads both; only AVIF is a web format
    return SourceFacts(
        width=image.width,
        height=image.height,
        loader=loader,
        orientation=_orientation(image),
        has_alpha=bool(image.hasalpha()),
        bands=image.bands,
        interpretation=str(image.interpretation),
        has_icc=image.get_typeof("icc-profile-data") != 0,
        frames=_int_field(image, "n-pages", 1),
        delays=_delays(image),
        loop=_int_field(image, "loop", 0),
        coefficients=_held_coefficients(image, loader),
    )


def _orientation(image: pyvips.Image) -> int:
    """The EXIF orientation; values outside 1-8 (broken tags) count as upright."""
    value = _int_field(image, "orientation", 1)
    return value if 1 <= value <= 8 else 1


#: coefficients per pixel of each JPEG chroma subsampling, for three bands.
_COEFFICIENTS_PER_PIXEL = {"4:4:4": 3.0, "4:2:2": 2.0, "4:2:0": 1.5}


def _held_coefficients(image: pyvips.Image, loader: str) -> int:
    """The coefficients a progressive (multi-scan) JPEG's decode holds: all of them."""
    if loader != "jpeg" or not _int_field(image, "interlaced", 0):
        return 0
    pixels = int(image.width) * int(image.height)
    if image.bands == 1:
        return pixels
    per_pixel = _COEFFICIENTS_PER_PIXEL.get(_str_field(image, "jpeg-chroma-subsample"), 3.0)
    return int(pixels * per_pixel)


def _delays(image: pyvips.Image) -> tuple[int, ...]:
    """Frame delays in ms (libvips' ``delay``: one per frame, GIF and WebP animations)."""
    if image.get_typeof("delay") == 0:
        return ()
    return tuple(int(delay) for delay in image.get("delay"))


def _int_field(image: pyvips.Image, name: str, default: int) -> int:
    return int(image.get(name)) if image.get_typeof(name) != 0 else default


def _str_field(image: pyvips.Image, name: str) -> str:
    return str(image.get(name)) if image.get_typeof(name) != 0 else ""
