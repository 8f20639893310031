"""Every imgix URL parameter end to end on real photographs.

Each test goes through the public path: ``imgix.parse(query)`` -> ``imaging.render`` ->
encoded bytes, which are decoded again and checked for size, format (magic bytes), bands,
pixel values at known places, and what the file's header carries. Expected pictures are
made with plain pyvips from the source (``tests.visual.photos.reference_crop``).
"""

from __future__ import annotations

import math

import pytest
import pyvips

from enlarger.spec import imgix
from enlarger.spec.model import Format
from tests.support.images import (
    cmyk_jpeg,
    decode,
    has_exif,
    has_icc,
    looks_like,
    mean_abs_diff,
    pixel,
    sniff,
)
from tests.visual.photos import (
    CHELSEA,
    GREY,
    GREY_ALPHA,
    ROCKET,
    STORM,
    exif_tagged,
    frame_header,
    on_flat_grey,
    reference_crop,
    run,
    upright,
    with_alpha_mask,
)

WEBP_AVIF = frozenset({Format.WEBP, Format.AVIF})


def _near(values: list[float], expected: list[float], tolerance: float = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(values, expected, strict=True))


# --- size: w, h, dpr, min/max, ar, rect, and where each fit mode upscales ----------------

SIZES = [
    # query on the 225 x 150 cat, expected output size
    ("", (225, 150)),
    ("w=100", (100, 67)),
    ("h=50", (75, 50)),
    ("w=0.5", (113, 75)),
    ("h=0.2", (45, 30)),
    ("w=100&h=100", (100, 67)),
    ("w=450", (450, 300)),  # clip upscales
    ("w=100&dpr=2", (200, 133)),
    ("h=40&dpr=2.5", (150, 100)),
    ("dpr=2", (225, 150)),  # dpr needs w or h
    ("w=101&dpr=1.5", (152, 101)),
    ("fit=max&w=8000&dpr=2", (225, 150)),  # never upscaled, so never too large
    ("fit=min&w=8000&h=8000&dpr=2", (150, 150)),
    ("fit=max&w=450", (225, 150)),
    ("fit=max&w=100&h=100", (100, 67)),
    ("fit=scale&w=100&h=100", (100, 100)),
    ("fit=scale&w=450&h=100", (450, 100)),
    ("fit=crop&w=100&h=100", (100, 100)),
    ("fit=crop&w=450&h=450", (450, 450)),  # crop upscales
    ("fit=crop&w=50&h=50&dpr=3", (150, 150)),
    ("fit=min&w=450&h=450", (150, 150)),  # min never upscales, keeps the ratio
    ("fit=min&w=100&h=50", (100, 50)),
    ("fit=fill&w=100&h=100", (100, 100)),
    ("fit=fill&w=450&h=450", (450, 450)),
    ("fit=fillmax&w=450&h=450", (450, 450)),
    ("fit=clamp&w=100&h=100", (100, 100)),
    ("fit=crop&ar=1:1", (150, 150)),
    ("fit=crop&ar=16:9&w=160", (160, 90)),
    ("fit=crop&ar=2:1&h=60", (120, 60)),
    ("fit=crop&ar=1:1&w=100&h=50", (100, 50)),  # w and h win over ar
    ("fit=fill&ar=1:1&w=100", (100, 100)),
    ("ar=1:1&w=100", (100, 67)),  # ar needs fit=crop or fill
    ("fit=crop&h=200&max-w=200", (200, 200)),
    ("fit=crop&w=100&h=100&max-h=50", (100, 50)),
    ("fit=crop&w=100&h=100&min-w=150", (150, 100)),
    ("fit=crop&w=100&h=100&min-h=120&max-w=80", (80, 120)),
    ("fit=crop&w=100&h=100&max-w=80&dpr=2", (160, 200)),
    ("w=100&max-w=50", (100, 67)),  # min/max only with fit=crop
    ("min-w=300&min-h=300", (225, 150)),
    ("rect=50,25,100,100", (100, 100)),
    ("rect=50,25,100,100&w=50", (50, 50)),
    ("rect=0,0,0.5,full", (113, 150)),
    ("rect=right,bottom,100,50", (100, 50)),
    ("rect=200,100,100,100", (25, 50)),  # clipped to the image
    ("rect=0,0,100,100&h=0.5", (50, 50)),  # fractions are of the rect
    ("orient=90", (150, 225)),
    ("orient=6&w=50", (50, 75)),
    ("rot=30&w=100", (100, 67)),  # rot turns within the frame
    ("flip=hv&h=30", (45, 30)),
]


@pytest.mark.parametrize(("query", "size"), SIZES, ids=[q or "none" for q, _ in SIZES])
def test_output_size(query: str, size: tuple[int, int]) -> None:
    out = run(CHELSEA, query)
    assert out.size == size
    assert (out.rendered.width, out.rendered.height) == size


@pytest.mark.parametrize(
    ("query", "size"),
    [("", (240, 160)), ("w=120", (120, 80)), ("h=40", (60, 40)), ("orient=1&w=80", (80, 120))],
)
def test_exif_orientation_applies_before_sizing(query: str, size: tuple[int, int]) -> None:
    assert run(STORM, query).size == size


@pytest.mark.parametrize(
    "query",
    ["w=450", "fit=scale&w=450&h=200", "fit=crop&w=450&h=450&crop=left", "fit=fill&w=450&h=450"],
)
def test_upscaled_output_shows_the_whole_source_enlarged(query: str) -> None:
    out = run(CHELSEA, query)
    if "fit=fill" in query:
        image = out.image.crop(0, 75, 450, 300)
        reference = upright(CHELSEA)
    elif "fit=crop" in query:
        image, reference = out.image, reference_crop(CHELSEA, (0, 0, 150, 150), out.size)
    else:
        image, reference = out.image, upright(CHELSEA)
    assert mean_abs_diff(image, reference) < 6


def test_fillmax_pads_without_upscaling() -> None:
    out = run(CHELSEA, "fit=fillmax&w=450&h=450&fill-color=0000ff")
    assert looks_like(out.image.crop(112, 150, 225, 150), upright(CHELSEA), 3)
    for x, y in [(5, 5), (225, 100), (111, 225), (340, 225), (225, 310)]:
        assert _near(pixel(out.image, x, y), [0, 0, 255]), (x, y)


# --- crop positions: which part of the photo a crop keeps --------------------------------

CROPS = [
    # query, the source box (left, top, width, height) the output must show
    ("fit=crop&w=75&h=150", (75, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=left", (0, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=right", (150, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=left,right", (75, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=top,right", (150, 0, 75, 150)),
    ("fit=crop&w=225&h=50", (0, 50, 225, 50)),
    ("fit=crop&w=225&h=50&crop=top", (0, 0, 225, 50)),
    ("fit=crop&w=225&h=50&crop=bottom", (0, 100, 225, 50)),
    ("fit=crop&w=225&h=50&crop=bottom,left", (0, 100, 225, 50)),
    ("fit=crop&w=100&h=100&crop=right", (75, 0, 150, 150)),
    ("fit=crop&w=200&h=200&crop=left", (0, 0, 150, 150)),
    ("fit=crop&w=75&h=150&crop=focalpoint&fp-x=0.7", (120, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=focalpoint&fp-x=0", (0, 0, 75, 150)),
    ("fit=crop&w=75&h=150&crop=focalpoint&fp-x=1&fp-y=0", (150, 0, 75, 150)),
    ("fit=crop&w=100&h=100&crop=focalpoint&fp-x=0.4&fp-y=0.3&fp-z=3", (65, 20, 50, 50)),
    ("fit=min&w=75&h=150&crop=right", (150, 0, 75, 150)),
    ("fit=min&w=300&h=100&crop=bottom", (0, 75, 225, 75)),
    ("fit=crop&ar=1:2&h=150&crop=left", (0, 0, 75, 150)),
    ("fit=crop&h=150&max-w=75&crop=right", (150, 0, 75, 150)),
    ("rect=20,30,100,100", (20, 30, 100, 100)),
    ("rect=center,middle,100,50", (63, 50, 100, 50)),
    ("rect=0.5,0,0.5,1.0&w=50", (113, 0, 112, 150)),
    ("rect=0.25,0.5,0.5,full", (56, 75, 113, 75)),
    ("rect=100,0,125,150&fit=crop&w=60&h=150&crop=left", (100, 0, 60, 150)),
    ("rect=0,0,150,150&fit=crop&w=100&h=50&crop=bottom", (0, 75, 150, 75)),
    ("orient=3&fit=crop&w=75&h=150&crop=left", None),  # checked against the turned photo
]


@pytest.mark.parametrize(("query", "box"), CROPS, ids=[q for q, _ in CROPS])
def test_crop_keeps_the_expected_part_of_the_photo(
    query: str, box: tuple[float, float, float, float] | None
) -> None:
    out = run(CHELSEA, query)
    if box is None:  # orient=3 turns the photo first: its left is the source's right
        reference = upright(CHELSEA).rot("d180").crop(0, 0, 75, 150)
    else:
        reference = reference_crop(CHELSEA, box, out.size)
    upscaled = box is not None and box[2] < out.size[0]
    assert mean_abs_diff(out.image, reference) < (6 if upscaled else 3)


def test_opposite_crops_differ() -> None:
    left = run(CHELSEA, "fit=crop&w=75&h=150&crop=left").image
    right = run(CHELSEA, "fit=crop&w=75&h=150&crop=right").image
    assert mean_abs_diff(left, right) > 20


@pytest.mark.parametrize("crop", ["entropy", "edges"])
@pytest.mark.parametrize("photo_left", [True, False])
def test_content_aware_crop_finds_the_photo_beside_a_flat_area(crop: str, photo_left: bool) -> None:
    source = on_flat_grey(CHELSEA, photo_left=photo_left)  # 450 x 150
    out = run(source, f"fit=crop&crop={crop}&w=150&h=150&fm=png")
    assert out.size == (150, 150)
    # every column of the crop is photo: the flat grey area has no deviation at all
    for x in (0, 149):
        assert out.image.crop(x, 0, 1, 150).deviate() > 3, x


STORM_CROPS = [
    # query on the EXIF-6 camera photo (240 x 160 upright), box of the upright photo
    ("rect=0,0,120,80", (0, 0, 120, 80)),
    ("fit=crop&w=80&h=160&crop=left", (0, 0, 80, 160)),
    ("fit=crop&w=80&h=160&crop=right", (160, 0, 80, 160)),
    ("fit=crop&w=80&h=160&crop=focalpoint&fp-x=0", (0, 0, 80, 160)),
    ("fit=crop&w=240&h=40&crop=bottom", (0, 120, 240, 40)),
    ("fit=crop&w=120&h=40&crop=top", (0, 0, 240, 80)),
]


@pytest.mark.parametrize(("query", "box"), STORM_CROPS, ids=[q for q, _ in STORM_CROPS])
def test_crops_are_measured_on_the_upright_photo(
    query: str, box: tuple[float, float, float, float]
) -> None:
    out = run(STORM, f"{query}&fm=png")
    assert mean_abs_diff(out.image, reference_crop(STORM, box, out.size)) < 3


@pytest.mark.parametrize("crop", ["entropy", "edges"])
def test_content_aware_crop_of_an_exif_rotated_photo_is_a_piece_of_the_upright_photo(
    crop: str,
) -> None:
    out = run(STORM, f"fit=crop&crop={crop}&w=80&h=160&fm=png")
    photo = upright(STORM)
    best = min(mean_abs_diff(out.image, photo.crop(x, 0, 80, 160)) for x in range(0, 161, 2))
    assert best < 3


ORIENTED_QUERIES = [
    # query on the 240 x 160 upright storm photo, box of the upright photo it shows
    ("w=60", (0, 0, 240, 160)),
    ("rect=10,20,120,80&w=60", (10, 20, 120, 80)),
    ("rect=200,100,40,60&w=20", (200, 100, 40, 60)),
    ("fit=crop&w=40&h=80&crop=left", (0, 0, 80, 160)),
    ("fit=crop&w=30&h=60&crop=right", (160, 0, 80, 160)),
    ("fit=crop&w=60&h=20&crop=bottom", (0, 80, 240, 80)),
    ("fit=crop&w=60&h=60&crop=focalpoint&fp-x=0.8&fp-y=0.3&fp-z=2", (152, 8, 80, 80)),
]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_crops_and_shrinks_the_upright_photo(orientation: int) -> None:
    source = exif_tagged(STORM, orientation)
    for query, box in ORIENTED_QUERIES:
        out = run(source, f"{query}&fm=png")
        assert mean_abs_diff(out.image, reference_crop(STORM, box, out.size)) < 2, query


def test_upscaled_region_of_a_jpeg_shows_those_pixels() -> None:
    out = run(ROCKET, "rect=300,100,20,20&w=200")
    assert out.size == (200, 200)
    assert mean_abs_diff(out.image, reference_crop(ROCKET, (300, 100, 20, 20), (200, 200))) < 2


def test_crop_within_a_rect_with_entropy_stays_in_the_rect() -> None:
    source = on_flat_grey(CHELSEA, photo_left=False)  # grey 0-224, photo 225-449
    out = run(source, "rect=0,0,300,150&fit=crop&crop=entropy&w=60&h=150&fm=png")
    reference = upright(source).crop(240, 0, 60, 150)
    assert mean_abs_diff(out.image, reference) < 3


# --- fit modes' canvases: fill colours, blur, clamp --------------------------------------


def test_fill_pads_with_fill_color_around_the_centred_photo() -> None:
    out = run(CHELSEA, "fit=fill&w=300&h=300&fill-color=ff0000")
    assert out.size == (300, 300)
    for x, y in [(150, 10), (150, 290), (0, 0), (299, 299)]:
        assert _near(pixel(out.image, x, y), [255, 0, 0]), (x, y)
    assert looks_like(out.image.crop(0, 50, 300, 200), upright(CHELSEA), 6)


@pytest.mark.parametrize(
    ("fill", "expected"),
    [("fill-color=fff", [255, 255, 255]), ("fill-color=teal", [0, 128, 128])],
)
def test_fill_colour_forms(fill: str, expected: list[float]) -> None:
    out = run(CHELSEA, f"fit=fill&w=150&h=150&fm=jpg&{fill}")
    assert _near(pixel(out.image, 75, 5), expected)


def test_fill_without_colour_is_white_in_jpeg() -> None:
    out = run(CHELSEA, "fit=fill&w=300&h=300&fm=jpg")
    assert _near(pixel(out.image, 150, 10), [255, 255, 255])


def test_fill_without_colour_is_opaque_white_in_png() -> None:
    # imgix-url-params gives fill-color's default as "fff" (one imgix doc page says 0FFF)
    out = run(CHELSEA, "fit=fill&w=300&h=300&fm=png")
    assert out.image.bands == 3
    assert _near(pixel(out.image, 150, 10), [255, 255, 255], 0)


def test_transparent_fill_colour_adds_alpha_for_png() -> None:
    out = run(CHELSEA, "fit=fill&w=300&h=300&fm=png&fill-color=00ffffff")
    assert out.image.bands == 4
    assert pixel(out.image, 150, 10)[3] == 0
    assert pixel(out.image, 150, 150)[3] == 255


def test_fill_blur_puts_the_blurred_photo_behind() -> None:
    out = run(CHELSEA, "fit=fill&fill=blur&w=300&h=300&fill-color=ff0000")
    band = out.image.crop(0, 0, 300, 50)
    cover = upright(CHELSEA).resize(2.0).crop(75, 0, 300, 300)
    assert mean_abs_diff(band, cover.gaussblur(15).crop(0, 0, 300, 50)) < 20
    assert not _near(pixel(out.image, 150, 10), [255, 0, 0], 40)  # not the fill colour
    assert band.deviate() > 2  # not flat
    assert looks_like(out.image.crop(0, 50, 300, 200), upright(CHELSEA), 6)


def test_clamp_repeats_the_edge_pixels() -> None:
    out = run(CHELSEA, "fit=clamp&w=300&h=300")
    first, last = out.image.crop(0, 50, 300, 1), out.image.crop(0, 249, 300, 1)
    for y in (0, 25, 49):
        assert mean_abs_diff(out.image.crop(0, y, 300, 1), first) < 1
    for y in (250, 299):
        assert mean_abs_diff(out.image.crop(0, y, 300, 1), last) < 1
    assert mean_abs_diff(first, last) > 5


def test_scale_distorts_to_the_box() -> None:
    out = run(CHELSEA, "fit=scale&w=100&h=150")
    squeezed = upright(CHELSEA).resize(100 / 225, vscale=1.0)
    assert mean_abs_diff(out.image, squeezed) < 3


# --- orientation: EXIF, orient, flip, rot ------------------------------------------------


def test_exif_orientation_is_applied_automatically() -> None:
    out = run(STORM, "fm=png")
    assert out.size == (240, 160)
    assert mean_abs_diff(out.image, upright(STORM)) < 2
    assert decode(STORM).width == 160  # the stored pixels are sideways


@pytest.mark.parametrize(
    ("orient", "turn"),
    [("1", None), ("0", None), ("90", "d90"), ("180", "d180"), ("270", "d270"), ("6", "d90")],
)
def test_orient_turns_the_photo(orient: str, turn: str | None) -> None:
    out = run(CHELSEA, f"orient={orient}")
    reference = upright(CHELSEA) if turn is None else upright(CHELSEA).rot(turn)
    assert mean_abs_diff(out.image, reference) < 1


@pytest.mark.parametrize("orient", [2, 3, 4, 5, 7, 8])
def test_orient_follows_the_exif_table(orient: int) -> None:
    tagged = upright(CHELSEA).copy()
    tagged.set_type(pyvips.GValue.gint_type, "orientation", orient)
    out = run(CHELSEA, f"orient={orient}")
    assert mean_abs_diff(out.image, tagged.autorot()) < 1


def test_orient_replaces_the_exif_tag() -> None:
    out = run(STORM, "orient=1&fm=png")
    assert out.size == (160, 240)
    assert mean_abs_diff(out.image, decode(STORM)) < 2


@pytest.mark.parametrize(
    ("flip", "ops"), [("h", ("fliphor",)), ("v", ("flipver",)), ("hv", ("fliphor", "flipver"))]
)
def test_flip_mirrors_the_upright_photo(flip: str, ops: tuple[str, ...]) -> None:
    for source in (CHELSEA, STORM):
        reference = upright(source)
        for op in ops:
            reference = getattr(reference, op)()
        out = run(source, f"flip={flip}&fm=png")
        assert mean_abs_diff(out.image, reference) < 2
        assert mean_abs_diff(out.image, upright(source)) > 10


def _turned(angle: float, size: tuple[int, int]) -> pyvips.Image:
    """The cat turned ``angle`` degrees counter-clockwise, zoomed to cover its frame."""
    turn = math.radians(angle)
    cos, sin = abs(math.cos(turn)), abs(math.sin(turn))
    width, height = size
    zoom = max(cos + sin * height / width, cos + sin * width / height)
    if angle % 90 == 0:  # quarter turns are exact; pyvips' rot turns clockwise
        quarter = upright(CHELSEA).rot(f"d{(360 - angle) % 360}")
        turned = quarter.resize(zoom)
    else:
        turned = upright(CHELSEA).similarity(scale=zoom, angle=-angle)
    return turned.crop((turned.width - width) // 2, (turned.height - height) // 2, width, height)


@pytest.mark.parametrize("angle", [90, 180, 270, 30, 45, 350])
def test_rot_turns_counter_clockwise_and_covers_the_frame(angle: int) -> None:
    out = run(CHELSEA, f"rot={angle}&bg=ff0000")
    assert out.size == (225, 150)
    assert mean_abs_diff(out.image, _turned(angle, (225, 150))) < 6
    for x, y in [(0, 0), (224, 0), (0, 149), (224, 149)]:  # zoomed: no bg in the corners
        assert not _near(pixel(out.image, x, y), [255, 0, 0], 30), (x, y)


def test_rot_after_a_resize_keeps_the_resized_frame() -> None:
    out = run(CHELSEA, "w=100&rot=180")
    assert out.size == (100, 67)
    assert mean_abs_diff(out.image, upright(CHELSEA).rot("d180")) < 5


def test_small_rotation_is_counter_clockwise() -> None:
    # a counter-clockwise turn moves the photo's right edge up: compare both directions
    out = run(CHELSEA, "rot=10")
    assert mean_abs_diff(out.image, _turned(10, (225, 150))) < mean_abs_diff(
        out.image, _turned(-10, (225, 150))
    )


# --- output: fm, q, lossless, chromasub, auto, dl ----------------------------------------

FORMATS = [
    ("jpg", "jpeg", Format.JPG),
    ("pjpg", "jpeg", Format.PJPG),
    ("png", "png", Format.PNG),
    ("webp", "webp", Format.WEBP),
    ("avif", "avif", Format.AVIF),
    ("gif", "gif", Format.GIF),
]


@pytest.mark.parametrize(("fm", "magic", "fmt"), FORMATS)
def test_fm_writes_that_format(fm: str, magic: str, fmt: Format) -> None:
    out = run(ROCKET, f"w=160&fm={fm}")
    assert (sniff(out.rendered.data), out.rendered.format) == (magic, fmt)
    assert out.size == (160, 107)
    assert mean_abs_diff(out.image, upright(ROCKET).resize(0.25)) < (10 if fm == "gif" else 5)


def test_pjpg_is_progressive_and_jpg_is_baseline() -> None:
    assert frame_header(run(ROCKET, "w=160&fm=pjpg").rendered.data).marker == 0xC2
    assert frame_header(run(ROCKET, "w=160&fm=jpg").rendered.data).marker in (0xC0, 0xC1)


@pytest.mark.parametrize(
    ("query", "chroma"),
    [
        ("fm=jpg", "4:2:0"),  # imgix's default is 420
        ("fm=jpg&chromasub=420", "4:2:0"),
        ("fm=jpg&chromasub=444", "4:4:4"),
        ("fm=pjpg&chromasub=444", "4:4:4"),
        ("fm=jpg&q=95&chromasub=420", "4:2:0"),
    ],
)
def test_chromasub_in_the_jpeg_header(query: str, chroma: str) -> None:
    assert frame_header(run(ROCKET, f"w=160&{query}").rendered.data).chroma == chroma


def test_chromasub_422_keeps_at_least_that_much_chroma() -> None:
    header = frame_header(run(ROCKET, "w=160&fm=jpg&chromasub=422").rendered.data)
    assert header.chroma in ("4:2:2", "4:4:4")


def test_default_chroma_subsampling_is_420_at_high_quality() -> None:
    assert frame_header(run(ROCKET, "w=160&fm=jpg&q=95").rendered.data).chroma == "4:2:0"


def test_q_orders_sizes_and_quality() -> None:
    sizes = {q: len(run(ROCKET, f"w=320&fm=jpg&q={q}").rendered.data) for q in (0, 10, 50, 90)}
    assert sizes[0] < sizes[10] < sizes[50] < sizes[90]  # q=0 is the lowest, not the default
    low, high = run(ROCKET, "w=320&fm=webp&q=5"), run(ROCKET, "w=320&fm=webp&q=95")
    reference = upright(ROCKET).resize(0.5)
    assert mean_abs_diff(high.image, reference) < mean_abs_diff(low.image, reference)


def test_auto_compress_shrinks_the_file_and_q_overrides_it() -> None:
    plain = run(ROCKET, "w=320&fm=jpg").rendered.data
    compressed = run(ROCKET, "w=320&fm=jpg&auto=compress").rendered.data
    assert len(compressed) < len(plain)
    assert run(ROCKET, "w=320&fm=jpg&auto=compress&q=75").rendered.data == plain
    png = run(CHELSEA, "fm=png&auto=compress").rendered.data
    assert len(png) < len(run(CHELSEA, "fm=png").rendered.data)


@pytest.mark.parametrize("fm", ["webp", "avif"])
def test_lossless_keeps_every_pixel(fm: str) -> None:
    out = run(CHELSEA, f"fm={fm}&lossless=1")
    assert mean_abs_diff(out.image, upright(CHELSEA)) < 0.5
    lossy = run(CHELSEA, f"fm={fm}&q=30")
    assert mean_abs_diff(lossy.image, upright(CHELSEA)) > 1


@pytest.mark.parametrize(
    ("source", "accepted", "query", "fmt"),
    [
        (ROCKET, WEBP_AVIF, "auto=format", Format.AVIF),
        (ROCKET, frozenset({Format.WEBP}), "auto=format", Format.WEBP),
        (ROCKET, frozenset(), "auto=format", Format.JPG),
        (CHELSEA, frozenset(), "auto=format", Format.JPG),
        (CHELSEA, frozenset(), "", Format.PNG),  # no auto: the source's own format
        (ROCKET, frozenset(), "", Format.JPG),
        (ROCKET, WEBP_AVIF, "", Format.JPG),  # Accept counts only with auto=format
        (ROCKET, WEBP_AVIF, "auto=compress", Format.JPG),
        (ROCKET, WEBP_AVIF, "auto=compress,format", Format.AVIF),
        (ROCKET, frozenset({Format.WEBP}), "auto=compress&auto=format", Format.WEBP),
    ],
)
def test_auto_format_negotiates(
    source: bytes, accepted: frozenset[Format], query: str, fmt: Format
) -> None:
    out = run(source, f"w=64&{query}", accepted)
    assert out.rendered.format is fmt
    assert sniff(out.rendered.data) == {"jpg": "jpeg"}.get(fmt.value, fmt.value)


def test_auto_compress_serves_an_opaque_png_as_jpeg() -> None:
    out = run(CHELSEA, "w=64&auto=compress")
    assert (out.rendered.format, sniff(out.rendered.data)) == (Format.JPG, "jpeg")


def _chelsea_as(saver: str, **options: object) -> bytes:
    data: bytes = getattr(upright(CHELSEA), saver)(**options)
    return data


@pytest.mark.parametrize(
    ("saver", "options", "fmt"),
    [
        ("gifsave_buffer", {}, Format.GIF),
        ("webpsave_buffer", {}, Format.WEBP),
        ("jpegsave_buffer", {}, Format.JPG),
        ("tiffsave_buffer", {}, Format.JPG),  # not a web format: JPEG
    ],
)
def test_without_fm_a_web_format_source_keeps_its_format(
    saver: str, options: dict[str, object], fmt: Format
) -> None:
    out = run(_chelsea_as(saver, **options), "w=100")
    assert (out.rendered.format, out.size) == (fmt, (100, 67))
    assert mean_abs_diff(out.image, upright(CHELSEA).resize(100 / 225)) < 8


def test_sixteen_bit_png_comes_out_eight_bit() -> None:
    deep = (upright(CHELSEA).cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    out = run(deep.pngsave_buffer(), "w=100")
    assert (out.rendered.format, out.image.format, out.image.bands) == (Format.PNG, "uchar", 3)
    assert mean_abs_diff(out.image, upright(CHELSEA).resize(100 / 225)) < 3


@pytest.mark.parametrize(
    ("accepted", "fmt"),
    [(frozenset(), Format.PNG), (frozenset({Format.WEBP}), Format.WEBP), (WEBP_AVIF, Format.AVIF)],
)
def test_auto_format_keeps_alpha(accepted: frozenset[Format], fmt: Format) -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), "w=100&auto=format", accepted)
    assert (out.rendered.format, out.image.bands) == (fmt, 4)
    assert (pixel(out.image, 5, 30)[3], pixel(out.image, 80, 30)[3]) == (0, 255)


def test_dl_does_not_change_the_pixels() -> None:
    assert imgix.parse("dl=cat.jpg").output.dl == "cat.jpg"
    with_dl = run(CHELSEA, "w=90&fm=jpg&dl=cat.jpg").rendered.data
    assert with_dl == run(CHELSEA, "w=90&fm=jpg").rendered.data


# --- alpha and bg --------------------------------------------------------------------------


@pytest.mark.parametrize(("fm", "bands"), [("png", 4), ("webp", 4), ("avif", 4)])
def test_alpha_is_kept(fm: str, bands: int) -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), f"fm={fm}")
    assert out.image.bands == bands
    assert pixel(out.image, 10, 75)[3] == 0
    assert pixel(out.image, 200, 75)[3] == 255


def test_gif_keeps_one_bit_transparency() -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), "fm=gif")
    assert out.image.hasalpha()
    assert (pixel(out.image, 10, 75)[-1], pixel(out.image, 200, 75)[-1]) == (0, 255)


@pytest.mark.parametrize(
    ("query", "colour"),
    [
        ("fm=jpg", [255, 255, 255]),
        ("fm=pjpg", [255, 255, 255]),
        ("fm=jpg&bg=ff0000", [255, 0, 0]),
        ("fm=jpg&bg=0f0", [0, 255, 0]),
        ("fm=png&bg=0000ff", [0, 0, 255]),
        ("fm=webp&bg=navy", [0, 0, 128]),
    ],
)
def test_transparency_meets_bg(query: str, colour: list[float]) -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), query)
    assert _near(pixel(out.image, 10, 75)[:3], colour, 8)
    if out.image.hasalpha():
        assert pixel(out.image, 10, 75)[3] == 255
    assert looks_like(out.image.crop(100, 0, 125, 150), upright(CHELSEA).crop(100, 0, 125, 150), 5)


def test_bg_fills_the_transparency_of_a_rotated_photo() -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), "rot=180&fm=jpg&bg=ff0000")
    assert _near(pixel(out.image, 214, 75), [255, 0, 0], 8)  # the transparent part, turned
    assert looks_like(
        out.image.crop(0, 0, 125, 150), upright(CHELSEA).rot("d180").crop(0, 0, 125, 150), 5
    )


def test_half_transparent_bg_leaves_a_half_transparent_png() -> None:
    out = run(with_alpha_mask(CHELSEA, 0.3), "fm=png&bg=80ff0000")
    value = pixel(out.image, 10, 75)
    assert _near(value, [255, 0, 0, 128], 3)


@pytest.mark.parametrize(
    ("query", "bg"), [("fm=gif", [255, 255, 255]), ("fm=gif&bg=f00", [255, 0, 0])]
)
def test_gif_flattens_half_transparent_pixels_onto_bg(query: str, bg: list[float]) -> None:
    source = decode(GREY_ALPHA).colourspace("srgb")  # alpha 136-152 of 255 everywhere
    out = run(GREY_ALPHA, query)
    assert out.image[3].min() == 255
    assert mean_abs_diff(out.image, source.flatten(background=bg)) < 3


def test_grey_alpha_is_flattened_onto_white_for_jpeg_and_kept_in_png() -> None:
    source = decode(GREY_ALPHA)
    flat = source.flatten(background=[255])
    jpeg = run(GREY_ALPHA, "fm=jpg")
    assert (jpeg.image.bands, jpeg.image.interpretation) == (1, "b-w")
    assert mean_abs_diff(jpeg.image, flat) < 3
    png = run(GREY_ALPHA, "fm=png")
    assert png.image.bands == 2
    assert mean_abs_diff(png.image[1], source[1]) < 0.5


# --- colour: CMYK, ICC, greyscale, cs, metadata --------------------------------------------


@pytest.mark.parametrize("query", ["fm=jpg&q=90", "fm=png&cs=origin"])
@pytest.mark.parametrize("embed_profile", [True, False])
def test_cmyk_photo_comes_out_srgb_without_a_colour_shift(embed_profile: bool, query: str) -> None:
    cmyk = cmyk_jpeg(run(ROCKET, "w=320&fm=png").rendered.data, embed_profile=embed_profile)
    out = run(cmyk, query)
    assert (out.image.bands, out.image.interpretation) == (3, "srgb")
    assert not has_icc(out.rendered.data)
    # the same photo as the original, less what the CMYK gamut could not hold
    assert mean_abs_diff(out.image, upright(ROCKET).resize(0.5)) < 8
    reference = decode(cmyk).icc_transform("srgb", input_profile="cmyk", embedded=True)
    assert mean_abs_diff(out.image, reference) < 3
    for band in range(3):  # no cast: each channel's mean stays put
        assert abs(out.image[band].avg() - reference[band].avg()) < 1, band


def test_adobe_rgb_photo_is_converted_to_srgb_and_untagged() -> None:
    out = run(ROCKET, "w=320&fm=png")
    assert not has_icc(out.rendered.data)
    converted = upright(ROCKET).resize(0.5)
    unconverted = decode(ROCKET).resize(0.5)
    assert mean_abs_diff(out.image, converted) < mean_abs_diff(out.image, unconverted)
    assert mean_abs_diff(out.image, converted) < 1.5


@pytest.mark.parametrize("cs", ["srgb", "strip"])
def test_cs_srgb_and_strip_convert(cs: str) -> None:
    out = run(ROCKET, f"w=320&fm=png&cs={cs}")
    assert mean_abs_diff(out.image, upright(ROCKET).resize(0.5)) < 1.5
    # imgix: srgb names the colour space (tagged sRGB), strip leaves it unnamed
    assert has_icc(out.rendered.data) is (cs == "srgb")


@pytest.mark.parametrize("fm", ["jpg", "png", "webp"])
def test_cs_origin_keeps_a_non_srgb_profile_and_its_pixels(fm: str) -> None:
    out = run(ROCKET, f"w=320&fm={fm}&cs=origin")
    assert out.image.get("icc-profile-data") == decode(ROCKET).get("icc-profile-data")
    raw, converted = decode(ROCKET).resize(0.5), upright(ROCKET).resize(0.5)
    assert mean_abs_diff(out.image, raw) + 2 < mean_abs_diff(out.image, converted)


def test_cs_origin_pixels_shown_through_the_kept_profile_match_the_converted_photo() -> None:
    out = run(ROCKET, "w=320&fm=png&cs=origin")
    assert mean_abs_diff(out.image, decode(ROCKET).resize(0.5)) < 1.5
    shown = out.image.icc_transform("srgb", embedded=True)
    assert mean_abs_diff(shown, upright(ROCKET).resize(0.5)) < 1.5


def test_cs_origin_converts_for_a_format_without_profiles() -> None:
    out = run(ROCKET, "w=320&fm=gif&cs=origin")
    converted, raw = upright(ROCKET).resize(0.5), decode(ROCKET).resize(0.5)
    assert mean_abs_diff(out.image, converted) + 2 < mean_abs_diff(out.image, raw)


@pytest.mark.parametrize(
    "query",
    ["fit=fill&w=100&h=100&fill-color=4080c0&fm=png&cs=origin", "fm=jpg&bg=4080c0&cs=origin"],
)
def test_colours_painted_on_a_kept_profile_show_as_asked(query: str) -> None:
    source = ROCKET if "fill" in query else _adobe_rgb_with_alpha()
    out = run(source, query)
    assert has_icc(out.rendered.data)
    shown = out.image.icc_transform("srgb", embedded=True)
    assert _near(pixel(shown, 50, 2), [64, 128, 192], 4)


def _adobe_rgb_with_alpha() -> bytes:
    """The rocket's Adobe RGB pixels and profile as a PNG, its left 30 % transparent."""
    raw = decode(ROCKET)
    columns = pyvips.Image.xyz(raw.width, raw.height)[0]
    tagged = raw.bandjoin((columns >= 192).ifthenelse(255, 0).cast("uchar")).copy()
    tagged.set_type(pyvips.GValue.blob_type, "icc-profile-data", raw.get("icc-profile-data"))
    png: bytes = tagged.pngsave_buffer(keep=pyvips.enums.ForeignKeep.ICC)
    return png


def test_cs_origin_drops_an_srgb_profile() -> None:
    assert has_icc(CHELSEA)
    assert not has_icc(run(CHELSEA, "fm=png&cs=origin").rendered.data)


@pytest.mark.parametrize("fm", ["jpg", "png"])
def test_greyscale_stays_greyscale(fm: str) -> None:
    out = run(GREY, f"w=160&fm={fm}")
    assert (out.image.bands, out.image.interpretation) == (1, "b-w")
    assert mean_abs_diff(out.image, decode(GREY).resize(0.5)) < 5


@pytest.mark.parametrize(
    ("query", "bands"),
    [
        ("fit=fill&w=300&h=300&fill-color=ff0000&fm=png", 3),
        ("fit=fill&w=300&h=300&fill-color=808080&fm=png", 1),
        ("fit=fill&w=300&h=300&fill-color=ff0000&fm=jpg", 3),
    ],
)
def test_greyscale_gets_colour_only_when_a_colour_is_painted(query: str, bands: int) -> None:
    out = run(GREY, query)
    assert out.image.bands == bands
    if bands == 3:
        assert _near(pixel(out.image, 150, 5), [255, 0, 0], 8)


@pytest.mark.parametrize("source", [CHELSEA, STORM], ids=["png-exif", "camera-jpeg"])
@pytest.mark.parametrize("fm", ["jpg", "png", "webp", "avif"])
def test_metadata_is_stripped(source: bytes, fm: str) -> None:
    assert has_exif(source)
    data = run(source, f"w=80&fm={fm}").rendered.data
    header = pyvips.Image.new_from_buffer(data, "")
    assert not has_exif(data)
    assert header.get_typeof("xmp-data") == 0
    assert header.get_typeof("iptc-data") == 0
