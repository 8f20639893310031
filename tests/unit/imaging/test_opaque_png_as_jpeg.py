"""``output.opaque_png_as_jpeg`` (thumbor ``autojpg()``): PNG sources with no transparent
pixel become JPEG; transparent ones, other formats and an explicit ``fm`` are kept."""

from __future__ import annotations

import pyvips

from enlarger.spec.model import Format, Output
from tests.support.images import fixture, sniff
from tests.support.images import render_bytes as rendered

RGBA = fixture("plasma_icecold_rgba_320.png")  # an alpha band, opaque everywhere
CAT = fixture("skimage_chelsea_225.png")  # no alpha band
AUTO = Output(opaque_png_as_jpeg=True)


def _with_a_hole(data: bytes) -> bytes:
    image = pyvips.Image.new_from_buffer(data, "")
    alpha = image.extract_band(3).draw_rect(0, 0, 0, 4, 4, fill=True)
    holed: bytes = image.extract_band(0, n=3).bandjoin(alpha).pngsave_buffer()
    return holed


def test_opaque_pngs_become_jpeg() -> None:
    assert sniff(rendered(RGBA, AUTO)) == "jpeg"
    assert sniff(rendered(CAT, AUTO)) == "jpeg"


def test_transparent_pngs_other_formats_and_explicit_formats_are_kept() -> None:
    assert sniff(rendered(_with_a_hole(RGBA), AUTO)) == "png"
    assert sniff(rendered(RGBA, Output())) == "png"
    assert sniff(rendered(RGBA, Output(fm=Format.PNG, opaque_png_as_jpeg=True))) == "png"
    assert sniff(rendered(fixture("skimage_rocket.jpg"), AUTO)) == "jpeg"
