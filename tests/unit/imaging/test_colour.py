"""Colour: CMYK and ICC sources to sRGB, profiles kept or stripped per ``cs``, greyscale
kept, 16 bits to 8."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.imaging.icc import description, is_srgb
from enlarger.spec.model import Color, ColorSpace, Format, Output
from tests.support.images import (
    cmyk_jpeg,
    decode,
    fixture,
    has_icc,
    mean_abs_diff,
    pixel,
    render_bytes,
)

ROCKET = fixture("skimage_rocket.jpg")  # Adobe RGB (1998) profile
CHELSEA = fixture("skimage_chelsea_225.png")  # sRGB profile
GREY = fixture("plasma_grey_gray_320.jpg")


def _as_srgb(data: bytes) -> pyvips.Image:
    """The reference: the source's pixels through its own profile to sRGB."""
    return decode(data).icc_transform("srgb", embedded=True)


def test_fixture_profiles_are_what_the_tests_assume() -> None:
    assert description(decode(ROCKET).get("icc-profile-data")) == "Adobe RGB (1998)"
    assert is_srgb(decode(CHELSEA).get("icc-profile-data"))
    assert not is_srgb(b"not a profile")


@pytest.mark.parametrize("embed_profile", [True, False])
@pytest.mark.parametrize("fm", [Format.JPG, Format.PNG, Format.WEBP])
def test_cmyk_comes_out_srgb_and_looks_like_the_original(embed_profile: bool, fm: Format) -> None:
    cmyk = cmyk_jpeg(CHELSEA, embed_profile=embed_profile)
    assert decode(cmyk).interpretation == "cmyk"
    out = decode(render_bytes(cmyk, Output(fm=fm)))
    assert (out.bands, out.interpretation) == (3, "srgb")
    assert mean_abs_diff(out, decode(CHELSEA)) < 8
    assert out.get_typeof("icc-profile-data") == 0


def test_icc_source_is_converted_to_srgb_and_stripped_by_default() -> None:
    out = render_bytes(ROCKET, Output(fm=Format.PNG))
    assert not has_icc(out)
    assert mean_abs_diff(decode(out), _as_srgb(ROCKET)) < 1
    assert mean_abs_diff(decode(out), decode(ROCKET)) > 2  # the pixels did change


def test_strip_converts_and_strips() -> None:
    out = render_bytes(ROCKET, Output(fm=Format.JPG, cs=ColorSpace.STRIP))
    assert not has_icc(out)
    assert mean_abs_diff(decode(out), _as_srgb(ROCKET)) < 5  # JPEG q75


@pytest.mark.parametrize("fm", [Format.JPG, Format.PNG, Format.WEBP])
def test_srgb_converts_and_embeds_the_srgb_profile(fm: Format) -> None:
    out = render_bytes(ROCKET, Output(fm=fm, cs=ColorSpace.SRGB))
    assert is_srgb(decode(out).get("icc-profile-data"))
    assert mean_abs_diff(decode(out), _as_srgb(ROCKET)) < 5
    stripped = render_bytes(ROCKET, Output(fm=fm, cs=ColorSpace.STRIP))
    assert len(out) > len(stripped)  # the same pixels, plus the profile


def test_srgb_leaves_greyscale_and_gif_untagged() -> None:
    assert not has_icc(render_bytes(GREY, Output(fm=Format.JPG, cs=ColorSpace.SRGB)))
    assert not has_icc(render_bytes(CHELSEA, Output(fm=Format.GIF, cs=ColorSpace.SRGB)))


@pytest.mark.parametrize("fm", [Format.JPG, Format.PNG, Format.WEBP, Format.AVIF])
def test_origin_keeps_a_non_srgb_profile_and_its_pixels(fm: Format) -> None:
    out = render_bytes(ROCKET, Output(fm=fm, cs=ColorSpace.ORIGIN))
    assert has_icc(out)
    assert description(decode(out).get("icc-profile-data")) == "Adobe RGB (1998)"
    assert mean_abs_diff(decode(out), decode(ROCKET)) < 4


def test_origin_drops_an_srgb_profile() -> None:
    assert not has_icc(render_bytes(CHELSEA, Output(fm=Format.PNG, cs=ColorSpace.ORIGIN)))


@pytest.mark.parametrize("fm", [Format.JPG, Format.PNG])
def test_greyscale_stays_greyscale(fm: Format) -> None:
    out = decode(render_bytes(GREY, Output(fm=fm)))
    assert (out.bands, out.interpretation) == (1, "b-w")
    assert mean_abs_diff(out, decode(GREY)) < 3


def test_greyscale_gets_colour_when_a_colour_is_painted_on_it() -> None:
    grey_alpha = fixture("mate_stripes_la_240.png")
    out = decode(render_bytes(grey_alpha, Output(fm=Format.JPG, bg=Color(255, 0, 0))))
    assert (out.bands, out.interpretation) == (3, "srgb")
    red, green, _ = pixel(out, 10, 10)
    assert red > green + 50  # partly transparent grey over red


def test_sixteen_bit_png_becomes_eight_bit() -> None:
    deep = decode(CHELSEA).colourspace("rgb16")
    assert deep.format == "ushort"
    out = decode(render_bytes(deep.pngsave_buffer(), Output(fm=Format.PNG)))
    assert (out.format, out.interpretation, out.bands) == ("uchar", "srgb", 3)
    assert mean_abs_diff(out, decode(CHELSEA)) < 2


def test_sixteen_bit_grey_becomes_eight_bit_grey() -> None:
    deep = decode(GREY).colourspace("grey16")
    out = decode(render_bytes(deep.pngsave_buffer(), Output(fm=Format.PNG)))
    assert (out.format, out.interpretation, out.bands) == ("uchar", "b-w", 1)
