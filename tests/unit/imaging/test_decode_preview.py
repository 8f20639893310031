"""decode_preview: upload validation's one small decode, and 422 for truncated data."""

from __future__ import annotations

import pytest

from enlarger.errors import UnprocessableImage
from enlarger.imaging import Pixels, RenderOptions, decode_preview, probe, render
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format
from tests.support.images import decode, fixture, truncated


def preview(data: bytes, side: int = 32) -> Pixels:
    return decode_preview(data, probe(data), side)


def rendered_rgb(data: bytes, query: str) -> bytes:
    """The opaque RGB samples of a PNG render of ``query`` (alpha band dropped)."""
    spec = parse(query, frozenset({Format.PNG}))
    image = decode(render(data, spec, frozenset(), RenderOptions()).data)
    rgb = image.colourspace("srgb").extract_band(0, n=3)
    return bytes(rgb.write_to_memory())


@pytest.mark.parametrize(
    "name",
    [
        "skimage_rocket.jpg",  # ICC-tagged
        "mate_storm_exif6_240.jpg",  # EXIF orientation 6
        "plasma_icecold_rgba_320.png",  # alpha
        "plasma_grey_gray_320.jpg",  # greyscale
        "mate_stripes_la_240.png",  # grey with alpha
        "edge/hopper.webp",
    ],
)
def test_pixels_equal_a_fit_max_render_of_the_same_box(name: str) -> None:
    data = fixture(name)
    pixels = preview(data)
    facts = probe(data)
    assert max(pixels.width, pixels.height) == 32
    assert pixels.width / pixels.height == pytest.approx(
        facts.oriented_width / facts.oriented_height, rel=0.06
    )
    assert len(pixels.rgb) == pixels.width * pixels.height * 3
    assert pixels.rgb == rendered_rgb(data, "w=32&h=32&fit=max&fm=png")


def test_the_preview_is_upright_whatever_the_exif_orientation() -> None:
    upright = preview(fixture("edge/hopper_orientation_2.jpg"), side=16)
    for n in range(3, 9):
        turned = preview(fixture(f"edge/hopper_orientation_{n}.jpg"), side=16)
        assert (turned.width, turned.height) == (upright.width, upright.height)
        diff = sum(abs(a - b) for a, b in zip(turned.rgb, upright.rgb, strict=True))
        assert diff / len(upright.rgb) < 12, n


def test_greyscale_sources_give_grey_rgb() -> None:
    rgb = preview(fixture("plasma_grey_gray_320.jpg")).rgb
    assert all(rgb[i] == rgb[i + 1] == rgb[i + 2] for i in range(0, len(rgb), 3))


def test_small_images_are_never_enlarged() -> None:
    pixels = preview(fixture("skimage_chelsea_225.png"), side=256)
    assert (pixels.width, pixels.height) == (225, 150)


@pytest.mark.parametrize("name", ["skimage_rocket.jpg", "skimage_chelsea_225.png"])
def test_truncated_images_are_422(name: str) -> None:
    data = truncated(fixture(name))
    facts = probe(data)  # the header alone is intact
    with pytest.raises(UnprocessableImage) as caught:
        decode_preview(data, facts, 32)
    assert caught.value.status == 422
    assert caught.value.details["reason"]
