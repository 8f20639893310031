"""Encoding: each format's bytes, quality defaults, progressive JPEG, chroma subsampling,
lossless, and metadata stripping."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.imaging import Effort, RenderOptions, render, writable_formats
from enlarger.imaging.encode import COMPRESS_QUALITY, DEFAULT_QUALITY
from enlarger.spec.imgix import parse
from enlarger.spec.model import Auto, Extent, Format, Geometry, Output, RenderSpec
from tests.support.images import decode, fixture, has_exif, mean_abs_diff, render_bytes, sniff

CHELSEA = fixture("skimage_chelsea_225.png")
CAMERA = fixture("edge/hopper_orientation_6.jpg")  # carries EXIF


def test_writable_formats_are_what_this_libvips_encodes() -> None:
    formats = writable_formats()
    assert {Format.JPG, Format.PJPG, Format.PNG, Format.WEBP, Format.AVIF, Format.GIF} <= formats
    assert (Format.JXL in formats) == (pyvips.type_find("VipsOperation", "jxlsave_buffer") != 0)


@pytest.mark.parametrize(
    ("fm", "magic"),
    [
        (Format.JPG, "jpeg"),
        (Format.PJPG, "jpeg"),
        (Format.PNG, "png"),
        (Format.WEBP, "webp"),
        (Format.AVIF, "avif"),
        (Format.GIF, "gif"),
    ],
)
def test_each_format_encodes_and_looks_like_the_source(fm: Format, magic: str) -> None:
    rendered = render(CHELSEA, RenderSpec(output=Output(fm=fm)), frozenset(), RenderOptions())
    assert (rendered.format, sniff(rendered.data)) == (fm, magic)
    out = decode(rendered.data)
    assert (out.width, out.height) == (rendered.width, rendered.height) == (225, 150)
    assert mean_abs_diff(out, decode(CHELSEA)) < (12 if fm is Format.GIF else 6)


def test_progressive_jpeg_only_for_pjpg() -> None:
    assert decode(render_bytes(CHELSEA, Output(fm=Format.PJPG))).get("jpeg-multiscan") == 1
    assert decode(render_bytes(CHELSEA, Output(fm=Format.JPG))).get("jpeg-multiscan") == 0


@pytest.mark.parametrize(("chromasub", "expected"), [(444, "4:4:4"), (420, "4:2:0")])
def test_chromasub(chromasub: int, expected: str) -> None:
    out = decode(render_bytes(CHELSEA, Output(fm=Format.JPG, chromasub=chromasub)))
    assert out.get("jpeg-chroma-subsample") == expected


def test_quality_orders_sizes_and_compress_lowers_the_default() -> None:
    assert COMPRESS_QUALITY < DEFAULT_QUALITY
    sizes = {
        q: len(render_bytes(CHELSEA, Output(fm=Format.JPG, q=q)))
        for q in (COMPRESS_QUALITY, DEFAULT_QUALITY, 95)
    }
    assert sizes[COMPRESS_QUALITY] < sizes[DEFAULT_QUALITY] < sizes[95]
    assert len(render_bytes(CHELSEA, Output(fm=Format.JPG))) == sizes[DEFAULT_QUALITY]
    compressed = render_bytes(CHELSEA, Output(fm=Format.JPG, auto=frozenset({Auto.COMPRESS})))
    assert len(compressed) == sizes[COMPRESS_QUALITY]


def test_compress_palettises_png() -> None:
    full = render_bytes(CHELSEA, Output(fm=Format.PNG))
    palette = render_bytes(CHELSEA, Output(fm=Format.PNG, auto=frozenset({Auto.COMPRESS})))
    assert len(palette) < len(full)
    assert decode(palette).get("bits-per-sample") <= 8
    assert pyvips.Image.new_from_buffer(palette, "").get_typeof("palette") != 0


@pytest.mark.parametrize("fm", [Format.WEBP, Format.AVIF])
def test_lossless_keeps_every_pixel(fm: Format) -> None:
    out = decode(render_bytes(CHELSEA, Output(fm=fm, lossless=True)))
    assert mean_abs_diff(out, decode(CHELSEA).icc_transform("srgb", embedded=True)) < 0.5


def test_avif_effort_comes_from_the_options() -> None:
    default = render_bytes(CHELSEA, Output(fm=Format.AVIF), RenderOptions())
    harder = render_bytes(
        CHELSEA, Output(fm=Format.AVIF), RenderOptions(effort=Effort(avif_effort=2))
    )
    assert sniff(harder) == "avif"
    assert harder != default  # the encoder spent its bits otherwise
    assert mean_abs_diff(decode(harder), decode(CHELSEA)) < 6


def test_huffman_tables_are_optimised_up_to_the_pixel_limit_and_pixels_stay_the_same() -> None:
    def jpeg(options: RenderOptions) -> bytes:
        return render_bytes(CHELSEA, Output(fm=Format.JPG), options)

    optimised = jpeg(RenderOptions())
    standard = jpeg(RenderOptions(effort=Effort(jpeg_optimize_coding=False)))
    over_limit = jpeg(RenderOptions(effort=Effort(jpeg_optimize_coding_max_pixels=225 * 150 - 1)))
    assert len(optimised) < 0.95 * len(standard)
    assert over_limit == standard
    assert decode(optimised).write_to_memory() == decode(standard).write_to_memory()


@pytest.mark.parametrize("fm", [Format.JPG, Format.PNG, Format.WEBP, Format.AVIF])
def test_metadata_is_stripped(fm: Format) -> None:
    assert has_exif(CAMERA)
    out = render_bytes(CAMERA, Output(fm=fm))
    assert not has_exif(out)
    image = pyvips.Image.new_from_buffer(out, "")
    assert image.get_typeof("xmp-data") == 0
    assert image.get_typeof("orientation") == 0 or image.get("orientation") == 1


def test_size_reaches_the_encoder() -> None:
    spec = RenderSpec(geometry=Geometry(w=Extent(90)), output=Output(fm=Format.WEBP))
    rendered = render(CHELSEA, spec, frozenset(), RenderOptions())
    assert (rendered.width, rendered.height) == (90, 60)
    assert (decode(rendered.data).width, decode(rendered.data).height) == (90, 60)


@pytest.mark.parametrize("fm", ["jpg", "webp", "avif"])
def test_q_zero_is_the_lowest_quality_not_the_default(fm: str) -> None:
    source = fixture("skimage_rocket.jpg")
    lowest = render(source, parse(f"w=160&fm={fm}&q=0"), frozenset(), RenderOptions())
    default = render(source, parse(f"w=160&fm={fm}"), frozenset(), RenderOptions())
    assert len(lowest.data) < len(default.data) / 2
