"""Watermarks, text, blends and image masks on real photos: where the layer lands (pixels
changed inside its box, untouched outside), its size, colours and alpha, and that text
is drawn in the shipped font whatever the machine has."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from enlarger.imaging import RenderOptions, Sources, render
from enlarger.imaging.text import font_file
from enlarger.spec import imgix
from enlarger.spec.model import TextFont
from tests.support.images import decode, fixture, pixel
from tests.visual.photos import CHELSEA, ROCKET, run

ICY = fixture("plasma_icecold_rgba_320.png")  # 320 x 180, opaque RGBA
PLAIN = run(ROCKET, "w=640&fm=png").image  # 640 x 427


def drawn(query: str, **extras: bytes) -> Any:
    spec = imgix.parse(f"w=640&fm=png&{query}")
    rendered = render(Sources(ROCKET, extras), spec, frozenset(), RenderOptions())
    return decode(rendered.data)


def changed_box(image: Any, before: Any = PLAIN) -> tuple[int, int, int, int]:
    """left, top, width, height of the pixels that differ from ``before``."""
    difference = (image.extract_band(0, n=3) - before.extract_band(0, n=3)).abs()
    mask = (difference.bandor() > 24).cast("uchar")
    left, top, width, height = mask.find_trim(threshold=0, background=[0])
    return left, top, width, height


def test_a_watermark_sits_bottom_right_five_pixels_in_at_its_box_size() -> None:
    image = drawn("mark=icy.png&mark-w=160", watermark=ICY)
    left, top, width, height = changed_box(image)
    assert (left + width, top + height) == pytest.approx((635, 422), abs=2)
    assert (width, height) == pytest.approx((160, 90), abs=3)


def test_mark_alignment_padding_and_alpha() -> None:
    image = drawn("mark=icy.png&mark-w=100&mark-align=top,left&mark-pad=20", watermark=ICY)
    assert changed_box(image)[:2] == pytest.approx((20, 20), abs=2)
    half = drawn("mark=icy.png&mark-w=100&mark-align=top,left&mark-alpha=50", watermark=ICY)
    full = drawn("mark=icy.png&mark-w=100&mark-align=top,left", watermark=ICY)
    mark_px, half_px, under = (pixel(i, 50, 30)[0] for i in (full, half, PLAIN))
    assert half_px == pytest.approx((mark_px + under) / 2, abs=6)


def test_mark_fit_crop_fills_its_box_and_rotation_turns_it() -> None:
    cropped = drawn("mark=icy.png&mark-w=120&mark-h=120&mark-fit=crop&mark-pad=0", watermark=ICY)
    assert changed_box(cropped)[2:] == pytest.approx((120, 120), abs=2)
    turned = drawn("mark=icy.png&mark-w=160&mark-rot=90&mark-pad=0", watermark=ICY)
    assert changed_box(turned)[2:] == pytest.approx((90, 160), abs=3)


def test_a_tiled_mark_covers_the_whole_image_and_min_size_can_skip_it() -> None:
    tiled = drawn("mark=icy.png&mark-scale=20&mark-tile=grid", watermark=ICY)
    assert changed_box(tiled) == pytest.approx((0, 0, 640, 427), abs=12)
    skipped = drawn("mark=icy.png&mark-if-min-width=1000", watermark=ICY)
    assert changed_box(skipped) == (0, 0, 0, 0) or changed_box(skipped)[2] == 0


def test_text_is_drawn_bottom_right_in_its_colour() -> None:
    image = drawn("txt=Zo%C3%AB%20%C3%85ngstr%C3%B6m&txt-size=40&txt-color=ff0000")
    left, top, width, height = changed_box(image)
    assert left + width == pytest.approx(630, abs=3)
    assert top + height <= 417 + 2
    assert 35 <= height <= 60
    reds = [pixel(image, x, top + height // 2) for x in range(left, left + width)]
    assert any(p[0] > 200 and p[1] < 40 and p[2] < 40 for p in reds)


def test_text_clipping_shrinking_and_outline() -> None:
    long = "A%20caption%20far%20too%20long%20to%20fit%20across%20this%20photo%20at%20all"
    clipped = drawn(f"txt={long}&txt-size=40&txt-color=fff&txt-align=top,left")
    assert changed_box(clipped)[2] <= 620 + 1
    shrunk = drawn(f"txt={long}&txt-size=40&txt-color=fff&txt-fit=max&txt-align=top,left")
    assert changed_box(shrunk)[3] < changed_box(clipped)[3]
    outlined = drawn("txt=Hi&txt-size=60&txt-color=fff&txt-line=4&txt-line-color=000")
    plain = drawn("txt=Hi&txt-size=60&txt-color=fff")
    assert changed_box(outlined)[2] > changed_box(plain)[2]


def test_the_shipped_fonts_are_package_data() -> None:
    for family in TextFont:
        face = pyvips.Image.text("Åé", fontfile=font_file(family, False), font="DejaVu Sans 20")
        assert face.width > 10


def test_a_colour_blend_multiplies_the_image() -> None:
    image = drawn("blend=ff0000&blend-mode=multiply")
    for x, y in ((320, 200), (100, 400)):
        before, after = pixel(PLAIN, x, y), pixel(image, x, y)
        assert after[0] == pytest.approx(before[0], abs=2)
        assert max(after[1], after[2]) <= 2


@pytest.mark.parametrize("mode", ["normal", "screen", "darken", "difference", "hue", "color"])
def test_an_image_blend_changes_only_its_box(mode: str) -> None:
    query = f"blend=icy.png&blend-w=200&blend-align=top,left&blend-pad=10&blend-mode={mode}"
    image = drawn(query, blend=ICY)
    left, top, width, height = changed_box(image)  # within 10..210 x 10..123
    assert min(width, height) > 0  # darken leaves most of the dark sky as it is
    assert min(left, top) >= 9
    assert left + width <= 211
    assert top + height <= 124


def test_luminosity_keeps_the_image_colours_hue() -> None:
    image = drawn("blend=808080&blend-mode=luminosity")
    grey = pixel(image, 320, 200)
    assert (
        max(grey[:3]) - min(grey[:3])
        < max(pixel(PLAIN, 320, 200)[:3]) - min(pixel(PLAIN, 320, 200)[:3]) + 40
    )


def test_an_image_mask_takes_alpha_or_lightness() -> None:
    cat_mask = drawn("mask=cat.png", mask=CHELSEA)
    assert cat_mask.bands == 4
    alphas = [pixel(cat_mask, x, 200)[3] for x in range(0, 640, 40)]
    assert min(alphas) < 100 < max(alphas)  # the cat's dark and light parts
    painted = drawn("mask=cat.png&mask-bg=00f", mask=CHELSEA)
    assert painted.bands == 3
