"""probe: header facts without decoding, and 422 for what libvips cannot open."""

from __future__ import annotations

import time

import pytest
import pyvips

from enlarger.errors import UnprocessableImage
from enlarger.imaging import RenderOptions, probe, render
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format
from tests.support.images import decode, fixture, png_bomb


def test_probe_reads_jpeg_header_facts() -> None:
    facts = probe(fixture("skimage_rocket.jpg"))
    assert (facts.width, facts.height, facts.loader) == (640, 427, "jpeg")
    assert (facts.bands, facts.interpretation, facts.has_icc, facts.has_alpha) == (
        3,
        "srgb",
        True,
        False,
    )


@pytest.mark.parametrize("n", range(2, 9))
def test_probe_reads_exif_orientation(n: int) -> None:
    assert probe(fixture(f"edge/hopper_orientation_{n}.jpg")).orientation == n


def test_probe_reads_grey_alpha_png() -> None:
    facts = probe(fixture("mate_stripes_la_240.png"))
    assert (facts.loader, facts.bands, facts.has_alpha, facts.greyscale) == ("png", 2, True, True)


@pytest.mark.parametrize(
    ("options", "coefficients"),
    [
        ({"interlace": True, "subsample_mode": "on"}, 300 * 200 * 3 // 2),
        ({"interlace": True, "subsample_mode": "off"}, 300 * 200 * 3),
        ({"interlace": False, "subsample_mode": "on"}, 0),
    ],
)
def test_probe_counts_the_coefficients_a_progressive_jpeg_decode_holds(
    options: dict[str, object], coefficients: int
) -> None:
    image = pyvips.Image.black(300, 200, bands=3).linear(1, [10, 120, 200])
    data = image.jpegsave_buffer(Q=90, **options)
    assert probe(data).coefficients == coefficients


def test_probe_reads_webp_and_greyscale_jpeg() -> None:
    assert probe(fixture("edge/hopper.webp")).loader == "webp"
    assert probe(fixture("plasma_grey_gray_320.jpg")).interpretation == "b-w"


def test_probe_reads_a_bomb_header_without_decoding() -> None:
    started = time.monotonic()
    facts = probe(png_bomb(100_000, 100_000))
    assert facts.pixels == 10_000_000_000
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "data", [b"", b"hello, world", b"1 2 3\n4 5 6\n", b"\x89PNG\r\n\x1a\n garbage"]
)
def test_probe_refuses_what_is_not_an_image(data: bytes) -> None:
    with pytest.raises(UnprocessableImage):
        probe(data)


def test_probe_tells_avif_from_other_heif_and_a_plain_render_keeps_it() -> None:
    chelsea = pyvips.Image.new_from_buffer(fixture("skimage_chelsea_225.png"), "")
    avif = chelsea.heifsave_buffer(compression="av1", effort=0, Q=50)
    assert probe(avif).loader == "avif"
    rendered = render(avif, parse("w=50"), frozenset(), RenderOptions())
    assert rendered.format is Format.AVIF
    assert decode(rendered.data).width == 50
