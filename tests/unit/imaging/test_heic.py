"""HEIC sources: libvips here cannot decode HEVC, so imaging decodes them with pillow-heif
inside probe, render and decode_preview."""

from __future__ import annotations

import pytest

from enlarger.errors import UnprocessableImage
from enlarger.imaging import RenderOptions, decode_preview, probe, render
from enlarger.imaging.icc import description
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format
from tests.support.images import decode, fixture, has_icc, heic, looks_like, pixel, truncated

ROCKET = fixture("skimage_rocket.jpg")  # Adobe RGB (1998) profile
ROCKET_HEIC = heic(ROCKET, 160)


def test_probe_reads_heic_facts() -> None:
    facts = probe(ROCKET_HEIC)
    assert (facts.width, facts.height, facts.loader, facts.orientation) == (160, 107, "heif", 1)
    assert (facts.bands, facts.has_alpha, facts.has_icc) == (3, False, True)


def test_render_decodes_heic_and_looks_like_the_original() -> None:
    rendered = render(ROCKET_HEIC, parse("w=64&fm=jpg"), frozenset(), RenderOptions())
    assert (rendered.format, rendered.width, rendered.height) == (Format.JPG, 64, 43)
    image = decode(rendered.data)
    assert (image.width, image.height) == (64, 43)
    reference = render(ROCKET, parse("w=64&fm=jpg"), frozenset(), RenderOptions())
    assert looks_like(image, decode(reference.data))


def test_render_keeps_the_heic_profile_for_cs_origin() -> None:
    rendered = render(ROCKET_HEIC, parse("w=64&fm=png&cs=origin"), frozenset(), RenderOptions())
    assert description(decode(rendered.data).get("icc-profile-data")) == "Adobe RGB (1998)"
    plain = render(ROCKET_HEIC, parse("w=64&fm=png"), frozenset(), RenderOptions())
    assert not has_icc(plain.data)


def test_heic_alpha_survives_a_png_render() -> None:
    data = heic(fixture("plasma_icecold_rgba_320.png"), 64)
    assert probe(data).has_alpha
    image = decode(render(data, parse("w=32&fm=png"), frozenset(), RenderOptions()).data)
    assert (image.width, image.height, image.bands) == (32, 18, 4)
    source = decode(fixture("plasma_icecold_rgba_320.png")).resize(0.1)
    assert abs(pixel(image, 16, 9)[3] - pixel(source, 16, 9)[3]) < 20


def test_decode_preview_of_heic_fits_the_side() -> None:
    preview = decode_preview(ROCKET_HEIC, probe(ROCKET_HEIC), 32)
    assert (preview.width, preview.height) == (32, 21)
    assert len(preview.rgb) == 32 * 21 * 3


def test_truncated_heic_is_422() -> None:
    data = truncated(ROCKET_HEIC)
    with pytest.raises(UnprocessableImage):
        render(data, parse("w=64"), frozenset(), RenderOptions())
