"""Analysis outputs: ``fm=json`` (the source's metadata), ``palette=json|css`` and
``fm=blurhash`` (of the render), checked against the real photos' own facts."""

from __future__ import annotations

import json
from typing import Any

import pytest
import pyvips

from enlarger.errors import InvalidParameter
from enlarger.imaging import Rendered, RenderOptions, render
from enlarger.imaging.blurhash import encode
from enlarger.spec.imgix import parse
from tests.support.images import fixture

_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def rendered(data: bytes, query: str) -> Rendered:
    return render(data, parse(query), frozenset(), RenderOptions())


def as_json(data: bytes, query: str) -> Any:
    result = rendered(data, query)
    assert result.media_type == "application/json"
    return json.loads(result.data)


def two_colour_png() -> bytes:
    """Left three quarters pure red, right quarter pure blue (64 x 32: not resampled)."""
    red = pyvips.Image.black(48, 32).new_from_image([255, 0, 0])
    blue = pyvips.Image.black(16, 32).new_from_image([0, 0, 255])
    image: bytes = red.join(blue, "horizontal").cast("uchar").pngsave_buffer()
    return image


def test_json_describes_a_camera_jpeg_with_its_exif() -> None:
    meta = as_json(fixture("mate_storm_exif6_240.jpg"), "fm=json&w=50")
    # the stored pixels are 160 x 240 with EXIF orientation 6 (upright 240 x 160)
    assert (meta["PixelWidth"], meta["PixelHeight"], meta["Orientation"]) == (160, 240, 6)
    assert (meta["DPIWidth"], meta["DPIHeight"], meta["Depth"]) == (72, 72, 8)
    assert meta["ColorModel"] == "RGB"
    tiff, exif = meta["{TIFF}"], meta["{Exif}"]
    assert (tiff["Make"], tiff["Model"], tiff["Orientation"]) == (
        "Canon",
        "Canon EOS 400D DIGITAL",
        6,
    )
    assert (exif["FNumber"], exif["ExposureTime"], exif["ISOSpeedRatings"]) == (3.5, 0.4, 100)
    assert exif["DateTimeOriginal"] == "2008:04:20 19:12:06"
    assert (exif["PixelXDimension"], exif["PixelYDimension"]) == (160, 240)
    assert "MakerNote" not in exif
    assert "ExifOffset" not in tiff


def test_json_names_the_icc_profile_and_reads_jfif() -> None:
    meta = as_json(fixture("skimage_rocket.jpg"), "fm=json")
    assert (meta["PixelWidth"], meta["PixelHeight"]) == (640, 427)
    assert meta["ProfileName"] == "Adobe RGB (1998)"
    assert meta["{JFIF}"] == {
        "DensityUnit": 1,
        "IsProgressive": False,
        "JFIFVersion": [1, 0, 1],
        "XDensity": 72,
        "YDensity": 72,
    }


def test_json_of_a_greyscale_and_an_rgba_source() -> None:
    grey = as_json(fixture("plasma_grey_gray_320.jpg"), "fm=json")
    assert (grey["ColorModel"], grey["PixelWidth"], grey["PixelHeight"]) == ("Gray", 320, 200)
    assert "ProfileName" not in grey
    assert "{Exif}" not in grey
    rgba = as_json(fixture("plasma_icecold_rgba_320.png"), "fm=json")
    assert rgba["HasAlpha"] is True
    assert "{JFIF}" not in rgba


def test_palette_json_finds_the_colours_most_frequent_first() -> None:
    palette = as_json(two_colour_png(), "palette=json&colors=2")
    assert [c["hex"] for c in palette["colors"]] == ["#ff0000", "#0000ff"]
    assert palette["colors"][0] == {"red": 1.0, "green": 0.0, "blue": 0.0, "hex": "#ff0000"}
    # Rec. 709 luma: 3/4 red (0.2126) + 1/4 blue (0.0722)
    assert palette["average_luminance"] == pytest.approx(0.75 * 0.2126 + 0.25 * 0.0722, abs=1e-3)


def test_palette_colours_counts_and_follows_the_render() -> None:
    photo = fixture("skimage_rocket.jpg")
    assert len(as_json(photo, "palette=json")["colors"]) == 6
    assert len(as_json(photo, "palette=json&colors=12")["colors"]) == 12
    # the render's palette: a crop of the red part only has one colour
    cropped = as_json(two_colour_png(), "palette=json&rect=0,0,32,32")
    assert [c["hex"] for c in cropped["colors"]] == ["#ff0000"]


def test_palette_css_uses_the_prefix() -> None:
    result = rendered(two_colour_png(), "palette=css&colors=2&prefix=shop")
    assert result.media_type == "text/css; charset=utf-8"
    assert result.data.decode().splitlines() == [
        ".shop-fg-1 { color: #ff0000 !important; }",
        ".shop-bg-1 { background-color: #ff0000 !important; }",
        ".shop-fg-2 { color: #0000ff !important; }",
        ".shop-bg-2 { background-color: #0000ff !important; }",
    ]


@pytest.mark.parametrize("query", ["prefix=1abc", "prefix=a%20b", "colors=17", "palette=xml"])
def test_bad_palette_values_are_a_400_naming_the_parameter(query: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse(query)
    assert caught.value.details["parameter"] == query.split("=")[0]


def test_blurhash_of_a_solid_render_encodes_its_colour() -> None:
    solid = pyvips.Image.black(90, 60).new_from_image([200, 40, 10]).cast("uchar").pngsave_buffer()
    result = rendered(solid, "fm=blurhash&w=30")
    assert result.media_type == "text/plain; charset=utf-8"
    text = result.data.decode()
    assert len(text) == 4 + 2 * 12  # 4 x 3 components
    dc = 0
    for char in text[2:6]:
        dc = dc * 83 + _BASE83.index(char)
    assert dc == (200 << 16) | (40 << 8) | 10


def test_blurhash_of_a_photo_is_the_encoder_over_the_render() -> None:
    text = rendered(fixture("skimage_rocket.jpg"), "fm=blurhash&w=64").data.decode()
    pixels = render(
        fixture("skimage_rocket.jpg"), parse("w=64&fm=png"), frozenset(), RenderOptions()
    )
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(pixels.data)).convert("RGB")
    assert text == encode(image.tobytes(), image.width, image.height)
