"""imgix adjustment, stylize, border/padding, mask and trim parameters on real photos:
sizes after border and pad, pixel values after each effect, transparent mask corners,
the trimmed size of a photo on a flat border."""

from __future__ import annotations

import pytest
import pyvips

from enlarger.spec.model import Format
from tests.support.images import looks_like, pixel, sniff
from tests.visual.photos import CHELSEA, GREY, run, upright

PLAIN = run(CHELSEA, "fm=png")


def _framed(data: bytes, grey: int = 128) -> bytes:
    """The photo on a flat grey margin: 30 px left, 40 right, 20 top, 30 bottom."""
    photo = upright(data)
    canvas = photo.embed(
        30,
        20,
        photo.width + 70,
        photo.height + 50,
        extend="background",
        background=[grey] * photo.bands,
    )
    png: bytes = canvas.pngsave_buffer()
    return png


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("border=10,red", (245, 170)),
        ("border=10,red&border-top=0&border-left=30", (265, 160)),
        ("pad=20", (265, 190)),
        ("pad=5&pad-left=25", (255, 160)),
        ("pad=20&w=200", (200, 147)),  # the image and its padding fit w
        ("pad=10&border=5,blue&w=0.5", (113, 85)),
        ("trim=auto", (225, 150)),
    ],
)
def test_border_and_pad_sizes(query: str, size: tuple[int, int]) -> None:
    assert run(CHELSEA, f"fm=png&{query}").size == size


def test_border_paints_its_colour_and_pad_is_bg_or_transparent() -> None:
    bordered = run(CHELSEA, "fm=png&border=10,f00&pad=5").image
    assert pixel(bordered, 2, 2)[:3] == [255, 0, 0]
    assert pixel(bordered, 12, 12)[3] == 0  # padding: transparent in PNG
    assert pixel(run(CHELSEA, "fm=jpg&pad=5").image, 2, 2) == pytest.approx([255] * 3, abs=8)
    assert pixel(run(CHELSEA, "fm=png&pad=5&bg=00f").image, 2, 2)[:3] == [0, 0, 255]


def test_rounded_border_corners_are_transparent() -> None:
    image = run(CHELSEA, "fm=png&border=10,red&border-radius=40").image
    assert pixel(image, 0, 0)[3] == 0
    assert pixel(image, image.width // 2, 2) == [255, 0, 0, 255]


def test_brightness_contrast_exposure_move_the_mean() -> None:
    mean = PLAIN.image.avg()
    assert run(CHELSEA, "fm=png&bri=40").image.avg() > mean + 20
    assert run(CHELSEA, "fm=png&bri=-40").image.avg() < mean - 20
    assert run(CHELSEA, "fm=png&exp=50").image.avg() > mean + 10
    assert run(CHELSEA, "fm=png&gam=50").image.avg() > mean + 10
    assert run(CHELSEA, "fm=png&shad=80").image.avg() > mean
    assert run(CHELSEA, "fm=png&high=-80").image.avg() < mean
    assert run(CHELSEA, "fm=png&con=60").image.deviate() > PLAIN.image.deviate() + 10


@pytest.mark.parametrize("query", ["sat=-100", "mono=fff", "mono=808080"])
def test_grey_results_have_equal_channels(query: str) -> None:
    image = run(CHELSEA, f"fm=png&{query}").image
    red, green, blue = image.bandsplit()
    assert (red - green).abs().max() <= 2
    assert (green - blue).abs().max() <= 2


def test_colour_effects_move_the_channels() -> None:
    base = [PLAIN.image.extract_band(b).avg() for b in range(3)]
    inverted = run(CHELSEA, "fm=png&invert=true").image
    assert [inverted.extract_band(b).avg() for b in range(3)] == pytest.approx(
        [255 - v for v in base], abs=1
    )
    orange = run(CHELSEA, "fm=png&mono=ff8000").image
    assert orange.extract_band(2).max() <= 1  # no blue in an orange tint
    duo = run(CHELSEA, "fm=png&duotone=000,f00").image
    assert duo.extract_band(1).max() <= 1
    assert duo.extract_band(0).avg() > 50
    sepia = run(CHELSEA, "fm=png&sepia=100").image
    assert sepia.extract_band(0).avg() > sepia.extract_band(2).avg() + 20
    hue = run(CHELSEA, "fm=png&hue=180").image
    assert not looks_like(hue, PLAIN.image, 15)
    assert run(GREY, "fm=png&mono=f00").image.bands == 3  # a grey source takes the colour


def test_detail_effects() -> None:
    plain = PLAIN.image
    assert run(CHELSEA, "fm=png&blur=50").image.deviate() < plain.deviate()
    edges = pyvips.Image.new_from_array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
    detail = plain.conv(edges).abs().avg()
    assert run(CHELSEA, "fm=png&sharp=80").image.conv(edges).abs().avg() > detail * 1.2
    assert run(CHELSEA, "fm=png&usm=80").image.conv(edges).abs().avg() > detail * 1.2
    assert run(CHELSEA, "fm=png&nr=100&nrs=0").image.conv(edges).abs().avg() < detail
    blocks = run(CHELSEA, "fm=png&px=10").image
    assert pixel(blocks, 0, 0) == pixel(blocks, 9, 9)
    dots = run(CHELSEA, "fm=png&htn=50").image.extract_band(0)
    assert ((dots == 0) | (dots == 255)).min() == 255  # only ink and paper


@pytest.mark.parametrize("query", ["mask=ellipse", "mask=corners", "mask=corners&corner-radius=30"])
def test_mask_corners_are_transparent(query: str) -> None:
    out = run(CHELSEA, f"fm=png&{query}")
    image = out.image
    assert pixel(image, 0, 0)[3] == 0
    assert pixel(image, image.width - 1, image.height - 1)[3] == 0
    assert pixel(image, image.width // 2, image.height // 2)[3] == 255


def test_mask_bg_and_formats() -> None:
    assert pixel(run(CHELSEA, "mask=ellipse&mask-bg=f00&fm=png").image, 0, 0) == [255, 0, 0]
    out = run(CHELSEA, "mask=ellipse&auto=format", frozenset({Format.WEBP}))
    assert sniff(out.rendered.data) == "webp"
    assert out.image.hasalpha()
    assert sniff(run(CHELSEA, "mask=ellipse&auto=compress").rendered.data) == "png"
    jpeg = run(CHELSEA, "mask=ellipse&fm=jpg").image
    assert pixel(jpeg, 0, 0) == pytest.approx([255] * 3, abs=8)


def test_trim_finds_the_photo_on_a_flat_border() -> None:
    framed = _framed(CHELSEA)
    assert run(framed, "fm=png").size == (295, 200)
    trimmed = run(framed, "fm=png&trim=auto")
    assert trimmed.size == (225, 150)
    assert looks_like(trimmed.image, PLAIN.image, 3)
    assert run(framed, "fm=png&trim=color&trim-color=808080").size == (225, 150)
    assert run(framed, "fm=png&trim=color").size == (225, 150)  # the top-left pixel's colour
    assert run(framed, "fm=png&trim=auto&trim-pad=5").size == (235, 160)
    assert run(framed, "fm=png&trim=auto&w=100").size == (100, 67)
    assert run(CHELSEA, "fm=png&trim=auto").size == (225, 150)  # no flat border: kept


def test_trim_alpha_cuts_transparent_edges() -> None:
    photo = upright(CHELSEA).bandjoin_const([255])
    clear = photo.embed(10, 10, 245, 170, extend="background", background=[0, 0, 0, 0])
    assert run(clear.pngsave_buffer(), "fm=png&trim=alpha").size == (225, 150)
    assert run(clear.pngsave_buffer(), "fm=png&trim=colorunlessalpha").size == (225, 150)
