"""Table tests of the render planner: (source, parameters) -> output size and placement.

Cases follow the imgix documentation's own examples where it gives any (300x200 at
fit=clip&w=100&h=100 is 100x67; ar=9:1 on 900x270 is 900x100; ...).
"""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

import pytest

from enlarger.errors import OutputTooLarge
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import (
    Anchor,
    Color,
    Crop,
    Extent,
    FillMode,
    Fit,
    FocalPoint,
    Geometry,
    Orientation,
    Rect,
    RenderSpec,
)
from enlarger.spec.plan import Box, Interest, Pad, Plan, make_plan

LANDSCAPE = (300, 200)
PORTRAIT = (200, 300)
SQUARE = (200, 200)


def _extent(value: float) -> Extent:
    """Integers are pixels, floats are fractions of the source (as imgix's w=0.5)."""
    return Extent(value, relative=isinstance(value, float))


def plan(
    source: tuple[int, int],
    *,
    exif: int = 1,
    orient: int | None = None,
    rot: float = 0.0,
    limit: int = 8192,
    **params: Any,
) -> Plan:
    """Plan a render; ``params`` are Geometry fields, w/h as numbers, crop as "top,left"."""
    for side in ("w", "h"):
        if side in params:
            params[side] = _extent(params[side])
    if "crop" in params:
        params["crop"] = frozenset(Crop(value) for value in params["crop"].split(","))
    spec = RenderSpec(geometry=Geometry(**params), orientation=Orientation(rot=rot, orient=orient))
    return make_plan(spec, SourceFacts(*source, loader="jpeg", orientation=exif), limit)


SIZES = [
    # clip: the default; fits within, keeps the aspect ratio, upscales
    pytest.param(LANDSCAPE, {}, (300, 200), id="clip-neither"),
    pytest.param(LANDSCAPE, {"w": 100, "h": 100}, (100, 67), id="clip-both-landscape"),
    pytest.param(PORTRAIT, {"w": 100, "h": 100}, (67, 100), id="clip-both-portrait"),
    pytest.param(SQUARE, {"w": 50, "h": 100}, (50, 50), id="clip-both-square"),
    pytest.param(LANDSCAPE, {"w": 150}, (150, 100), id="clip-only-w"),
    pytest.param(LANDSCAPE, {"h": 50}, (75, 50), id="clip-only-h"),
    pytest.param(LANDSCAPE, {"w": 600}, (600, 400), id="clip-upscales"),
    pytest.param(LANDSCAPE, {"w": 0.5}, (150, 100), id="clip-fraction-w"),
    pytest.param(LANDSCAPE, {"h": 0.25}, (75, 50), id="clip-fraction-h"),
    pytest.param(LANDSCAPE, {"w": 0.5, "h": 0.1}, (30, 20), id="clip-fractions-both"),
    pytest.param(LANDSCAPE, {"w": 100, "dpr": 2.0}, (200, 133), id="clip-dpr"),
    pytest.param(LANDSCAPE, {"w": 100, "h": 100, "dpr": 1.5}, (150, 100), id="clip-dpr-both"),
    pytest.param(LANDSCAPE, {"dpr": 3.0}, (300, 200), id="clip-dpr-needs-a-size"),
    pytest.param(LANDSCAPE, {"w": 100, "ar": (1.0, 1.0)}, (100, 67), id="clip-ignores-ar"),
    pytest.param(LANDSCAPE, {"h": 50, "max_w": 10}, (75, 50), id="clip-ignores-max-w"),
    pytest.param((3, 1000), {"w": 1}, (1, 333), id="clip-at-least-1px"),
    pytest.param((200, 100), {"w": 5}, (5, 3), id="clip-rounds-half-up"),
    pytest.param((1000, 3), {"w": 100}, (100, 1), id="clip-never-0px"),
    # max: clip that never upscales
    pytest.param(LANDSCAPE, {"fit": Fit.MAX, "w": 600}, (300, 200), id="max-no-upscale"),
    pytest.param(LANDSCAPE, {"fit": Fit.MAX, "w": 150, "h": 150}, (150, 100), id="max-down"),
    pytest.param(PORTRAIT, {"fit": Fit.MAX, "w": 600, "h": 150}, (100, 150), id="max-portrait"),
    pytest.param(LANDSCAPE, {"fit": Fit.MAX, "w": 200, "dpr": 3.0}, (300, 200), id="max-dpr"),
    pytest.param(LANDSCAPE, {"fit": Fit.MAX}, (300, 200), id="max-neither"),
    # scale: distorts to exactly w x h
    pytest.param(LANDSCAPE, {"fit": Fit.SCALE, "w": 100, "h": 100}, (100, 100), id="scale"),
    pytest.param(LANDSCAPE, {"fit": Fit.SCALE, "w": 600, "h": 50}, (600, 50), id="scale-up"),
    pytest.param(LANDSCAPE, {"fit": Fit.SCALE, "w": 150}, (150, 100), id="scale-only-w"),
    pytest.param(LANDSCAPE, {"fit": Fit.SCALE, "h": 0.5}, (150, 100), id="scale-fraction"),
    pytest.param(
        SQUARE, {"fit": Fit.SCALE, "w": 10, "h": 20, "dpr": 2.0}, (20, 40), id="scale-dpr"
    ),
    # crop: covers w x h and cuts the rest; upscales
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "w": 300, "h": 100}, (300, 100), id="crop-wide"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "w": 200, "h": 200}, (200, 200), id="crop-square"),
    pytest.param(PORTRAIT, {"fit": Fit.CROP, "w": 100, "h": 50}, (100, 50), id="crop-portrait"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "w": 900, "h": 100}, (900, 100), id="crop-upscales"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "w": 150}, (150, 100), id="crop-only-w"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "h": 100}, (150, 100), id="crop-only-h"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP}, (300, 200), id="crop-neither"),
    pytest.param(
        LANDSCAPE, {"fit": Fit.CROP, "w": 50, "h": 50, "dpr": 2.5}, (125, 125), id="crop-dpr"
    ),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "w": 0.5, "h": 0.5}, (150, 100), id="crop-fractions"),
    # ar: with fit=crop (and fill), only when w and h are not both given
    pytest.param((900, 270), {"fit": Fit.CROP, "ar": (9.0, 1.0)}, (900, 100), id="crop-ar-alone"),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "ar": (0.85, 1.0)}, (170, 200), id="crop-ar-tall"),
    pytest.param(
        LANDSCAPE, {"fit": Fit.CROP, "w": 280, "ar": (2.0, 1.0)}, (280, 140), id="crop-ar-w"
    ),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "h": 90, "ar": (1.0, 1.0)}, (90, 90), id="crop-ar-h"),
    pytest.param(
        LANDSCAPE,
        {"fit": Fit.CROP, "w": 100, "h": 50, "ar": (1.0, 1.0)},
        (100, 50),
        id="crop-ar-loses-to-w-and-h",
    ),
    pytest.param(
        LANDSCAPE,
        {"fit": Fit.CROP, "w": 100, "ar": (2.0, 1.0), "dpr": 2.0},
        (200, 100),
        id="crop-ar-dpr",
    ),
    pytest.param(
        LANDSCAPE, {"fit": Fit.CROP, "ar": (1.0, 1.0), "dpr": 2.0}, (200, 200), id="crop-ar-no-dpr"
    ),
    # min-w/min-h/max-w/max-h: fit=crop only, clamp the derived side
    pytest.param(
        (1200, 800), {"fit": Fit.CROP, "h": 200, "max_w": 1200}, (300, 200), id="crop-max-w-loose"
    ),
    pytest.param(
        (1200, 800), {"fit": Fit.CROP, "h": 200, "max_w": 200}, (200, 200), id="crop-max-w-cuts"
    ),
    pytest.param(
        (800, 1200), {"fit": Fit.CROP, "w": 300, "max_h": 300}, (300, 300), id="crop-max-h-cuts"
    ),
    pytest.param(
        (200, 2000), {"fit": Fit.CROP, "h": 200, "min_w": 100}, (100, 200), id="crop-min-w"
    ),
    pytest.param((2000, 200), {"fit": Fit.CROP, "w": 200, "min_h": 50}, (200, 50), id="crop-min-h"),
    pytest.param(
        (1200, 800),
        {"fit": Fit.CROP, "h": 200, "max_w": 200, "dpr": 2.0},
        (400, 400),
        id="crop-max-w-dpr",
    ),
    pytest.param(LANDSCAPE, {"fit": Fit.CROP, "max_w": 100}, (100, 200), id="crop-max-w-alone"),
    pytest.param(
        LANDSCAPE,
        {"fit": Fit.CROP, "w": 500, "h": 100, "max_w": 250},
        (250, 100),
        id="crop-max-w-caps-w",
    ),
    # min: crop that never upscales; keeps the w:h ratio
    pytest.param(LANDSCAPE, {"fit": Fit.MIN, "w": 100, "h": 100}, (100, 100), id="min-down"),
    pytest.param(LANDSCAPE, {"fit": Fit.MIN, "w": 600, "h": 600}, (200, 200), id="min-no-upscale"),
    pytest.param(LANDSCAPE, {"fit": Fit.MIN, "w": 900, "h": 300}, (300, 100), id="min-wide"),
    pytest.param(PORTRAIT, {"fit": Fit.MIN, "w": 400, "h": 300}, (200, 150), id="min-portrait"),
    pytest.param(LANDSCAPE, {"fit": Fit.MIN, "w": 600}, (300, 200), id="min-only-w"),
    pytest.param(LANDSCAPE, {"fit": Fit.MIN, "w": 150}, (150, 100), id="min-only-w-down"),
    # fill: fits within (upscales), pads to exactly w x h
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "w": 100, "h": 100}, (100, 100), id="fill-down"),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "w": 600, "h": 600}, (600, 600), id="fill-up"),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "w": 150}, (150, 100), id="fill-only-w"),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL}, (300, 200), id="fill-neither"),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "ar": (3.0, 1.0)}, (300, 100), id="fill-ar"),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "w": 90, "ar": (1.0, 1.0)}, (90, 90), id="fill-ar-w"),
    # fillmax: fill that never upscales the image
    pytest.param(LANDSCAPE, {"fit": Fit.FILLMAX, "w": 600, "h": 600}, (600, 600), id="fillmax-up"),
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILLMAX, "w": 100, "h": 100}, (100, 100), id="fillmax-down"
    ),
    pytest.param(LANDSCAPE, {"fit": Fit.FILLMAX, "w": 600}, (600, 400), id="fillmax-only-w"),
    # clamp: fill padded with edge pixels
    pytest.param(LANDSCAPE, {"fit": Fit.CLAMP, "w": 100, "h": 100}, (100, 100), id="clamp"),
    pytest.param(PORTRAIT, {"fit": Fit.CLAMP, "w": 600, "h": 100}, (600, 100), id="clamp-portrait"),
    pytest.param(LANDSCAPE, {"fit": Fit.CLAMP}, (300, 200), id="clamp-neither"),
]


@pytest.mark.parametrize(("source", "params", "canvas"), SIZES)
def test_output_size(
    source: tuple[int, int], params: dict[str, Any], canvas: tuple[int, int]
) -> None:
    assert plan(source, **params).canvas == canvas


SCALED = [
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILL, "w": 100, "h": 100}, (100, 67), (0, 16), id="fill-down"
    ),
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILL, "w": 600, "h": 600}, (600, 400), (0, 100), id="fill-up"
    ),
    pytest.param(
        PORTRAIT, {"fit": Fit.FILL, "w": 100, "h": 50}, (33, 50), (33, 0), id="fill-portrait"
    ),
    pytest.param(LANDSCAPE, {"fit": Fit.FILL, "ar": (3.0, 1.0)}, (150, 100), (75, 0), id="fill-ar"),
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILLMAX, "w": 600, "h": 600}, (300, 200), (150, 200), id="fillmax-up"
    ),
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILLMAX, "w": 100, "h": 100}, (100, 67), (0, 16), id="fillmax-down"
    ),
    pytest.param(
        LANDSCAPE, {"fit": Fit.FILLMAX, "w": 600}, (300, 200), (150, 100), id="fillmax-only-w"
    ),
    pytest.param(
        LANDSCAPE, {"fit": Fit.CLAMP, "w": 600, "h": 600}, (600, 400), (0, 100), id="clamp-up"
    ),
    pytest.param(SQUARE, {"fit": Fit.CLAMP, "w": 101, "h": 50}, (50, 50), (25, 0), id="clamp-odd"),
]


@pytest.mark.parametrize(("source", "params", "scaled", "offset"), SCALED)
def test_padded_image_is_centred(
    source: tuple[int, int],
    params: dict[str, Any],
    scaled: tuple[int, int],
    offset: tuple[int, int],
) -> None:
    result = plan(source, **params)
    assert (result.scaled, result.offset) == (scaled, offset)
    assert result.region == result.bounds


def test_fill_pads_with_the_fill_colour_by_default() -> None:
    orange = Color(255, 165, 0)
    result = plan(LANDSCAPE, fit=Fit.FILL, w=100, h=100, fill_color=orange)
    assert (result.pad, result.pad_color) == (Pad.SOLID, orange)


def test_fill_blur_has_no_colour() -> None:
    result = plan(LANDSCAPE, fit=Fit.FILLMAX, w=600, h=600, fill=FillMode.BLUR)
    assert (result.pad, result.pad_color) == (Pad.BLUR, None)


def test_clamp_pads_with_edge_pixels() -> None:
    result = plan(LANDSCAPE, fit=Fit.CLAMP, w=100, h=100, fill=FillMode.SOLID)
    assert (result.pad, result.pad_color) == (Pad.CLAMP, None)


@pytest.mark.parametrize("fit", [Fit.FILL, Fit.FILLMAX, Fit.CLAMP])
def test_no_padding_when_the_image_fills_the_canvas(fit: Fit) -> None:
    result = plan(LANDSCAPE, fit=fit, w=150, h=100)
    assert (result.canvas, result.pad, result.pad_color, result.offset) == (
        (150, 100),
        None,
        None,
        (0, 0),
    )


@pytest.mark.parametrize("fit", list(Fit))
def test_without_a_size_every_fit_gives_the_source_size(fit: Fit) -> None:
    result = plan(PORTRAIT, fit=fit)
    assert (result.canvas, result.scaled, result.region) == (
        (200, 300),
        (200, 300),
        Box(0, 0, 200, 300),
    )


# rect: cut first, then it is the source


RECTS = [
    pytest.param(
        Rect(Extent(10), Extent(20), Extent(100), Extent(50)), Box(10, 20, 100, 50), id="pixels"
    ),
    pytest.param(
        Rect(Anchor.CENTER, Anchor.CENTER, Extent(100), Extent(100)),
        Box(150, 100, 100, 100),
        id="center-middle",
    ),
    pytest.param(
        Rect(Anchor.END, Anchor.END, Extent(100), Extent(100)),
        Box(300, 200, 100, 100),
        id="right-bottom",
    ),
    pytest.param(
        Rect(Anchor.START, Anchor.START, Extent(10), Extent(10)), Box(0, 0, 10, 10), id="left-top"
    ),
    pytest.param(
        Rect(Extent(0.25, True), Extent(0.5, True), Extent(0.5, True), Extent(0.5, True)),
        Box(100, 150, 200, 150),
        id="fractions",
    ),
    pytest.param(
        Rect(Extent(350), Extent(250), Extent(100), Extent(100)),
        Box(350, 250, 50, 50),
        id="clipped",
    ),
    pytest.param(
        Rect(Extent(0), Extent(0), Extent(1.0, True), Extent(1.0, True)),
        Box(0, 0, 400, 300),
        id="full",
    ),
    pytest.param(
        Rect(Extent(0), Extent(0), Extent(10**309), Extent(10**400)),
        Box(0, 0, 400, 300),
        id="size-beyond-float",
    ),
]


@pytest.mark.parametrize(("rect", "box"), RECTS)
def test_rect_becomes_the_source(rect: Rect, box: Box) -> None:
    result = plan((400, 300), rect=rect)
    assert (result.bounds, result.region) == (box, box)
    assert result.canvas == (box.width, box.height)


def test_sizes_and_fractions_are_of_the_rect() -> None:
    rect = Rect(Extent(100), Extent(100), Extent(200), Extent(100))
    assert plan((400, 300), rect=rect, w=0.5).canvas == (100, 50)
    assert plan((400, 300), rect=rect, h=50).canvas == (100, 50)
    assert plan((400, 300), rect=rect, fit=Fit.MAX, w=1000).canvas == (200, 100)


def test_rect_fractions_are_of_the_oriented_image() -> None:
    rect = Rect(Extent(0), Extent(0), Extent(0.5, True), Extent(0.5, True))
    assert plan((400, 300), exif=6, rect=rect).canvas == (150, 200)


def test_a_crop_stays_inside_the_rect() -> None:
    rect = Rect(Extent(100), Extent(50), Extent(200), Extent(100))
    result = plan((400, 300), rect=rect, fit=Fit.CROP, w=50, h=50, crop="bottom,right")
    assert result.region == Box(200, 50, 100, 100)
    assert result.bounds == Box(100, 50, 200, 100)


# orientation: EXIF, replaced by orient


@pytest.mark.parametrize(
    ("exif", "canvas"),
    [
        (1, (100, 67)),
        (3, (100, 67)),
        (5, (100, 150)),
        (6, (100, 150)),
        (7, (100, 150)),
        (8, (100, 150)),
    ],
)
def test_exif_orientation_decides_the_frame(exif: int, canvas: tuple[int, int]) -> None:
    result = plan(LANDSCAPE, exif=exif, w=100)
    assert (result.canvas, result.orientation) == (canvas, exif)


@pytest.mark.parametrize(
    ("exif", "orient", "canvas", "orientation"),
    [
        pytest.param(1, 90, (100, 150), 6, id="90-turns"),
        pytest.param(1, 270, (100, 150), 8, id="270-turns"),
        pytest.param(6, 180, (100, 67), 3, id="180-replaces-exif"),
        pytest.param(6, 1, (100, 67), 1, id="1-replaces-exif"),
        pytest.param(6, 0, (100, 67), 1, id="0-ignores-exif"),
        pytest.param(1, 5, (100, 150), 5, id="5-transposes"),
        pytest.param(8, 6, (100, 150), 6, id="6-over-8"),
    ],
)
def test_orient_replaces_the_exif_orientation(
    exif: int, orient: int, canvas: tuple[int, int], orientation: int
) -> None:
    result = plan(LANDSCAPE, exif=exif, orient=orient, w=100)
    assert (result.canvas, result.orientation) == (canvas, orientation)


def test_crop_of_a_turned_source_uses_the_turned_size() -> None:
    result = plan((3000, 2000), exif=6, fit=Fit.CROP, w=100, h=100, crop="top")
    assert result.bounds == Box(0, 0, 2000, 3000)
    assert result.region == Box(0, 0, 2000, 2000)


# rot turns the image inside the frame: the canvas keeps its size


@pytest.mark.parametrize(
    ("rot", "rotate"), [(0.0, 0.0), (45.0, 45.0), (90.0, 90.0), (359.5, 359.5), (360.0, 0.0)]
)
def test_rot_goes_to_the_plan_and_keeps_the_canvas(rot: float, rotate: float) -> None:
    result = plan(LANDSCAPE, rot=rot, fit=Fit.CROP, w=120, h=80)
    assert (result.rotate, result.canvas) == (rotate, (120, 80))


@pytest.mark.parametrize(
    ("canvas", "rot", "zoom"),
    [
        pytest.param((120, 80), 0.0, 1.0, id="none"),
        pytest.param((100, 100), 45.0, 2**0.5, id="square-45"),
        pytest.param((200, 100), 90.0, 2.0, id="landscape-90"),
        pytest.param((100, 200), 270.0, 2.0, id="portrait-270"),
        pytest.param((200, 100), 180.0, 1.0, id="half-turn"),
        pytest.param((300, 100), 30.0, 3**0.5 / 2 + 1.5, id="wide-30"),
    ],
)
def test_rotation_zooms_to_cover_the_canvas(
    canvas: tuple[int, int], rot: float, zoom: float
) -> None:
    result = plan(canvas, rot=rot)
    assert result.canvas == canvas
    assert result.rotate_zoom == pytest.approx(zoom)


# the output size limit


@pytest.mark.parametrize(
    ("source", "params"),
    [
        pytest.param(LANDSCAPE, {"w": 8193}, id="w"),
        pytest.param(LANDSCAPE, {"w": 5000, "dpr": 2.0}, id="dpr"),
        pytest.param(PORTRAIT, {"h": 8000, "w": 100, "fit": Fit.SCALE, "dpr": 1.5}, id="scale-h"),
        pytest.param(LANDSCAPE, {"fit": Fit.FILL, "w": 9000, "h": 10}, id="fill-canvas"),
        pytest.param(LANDSCAPE, {"fit": Fit.CLIP, "h": 6000}, id="derived-side"),
    ],
)
def test_too_large_an_output_is_refused(source: tuple[int, int], params: dict[str, Any]) -> None:
    with pytest.raises(OutputTooLarge) as caught:
        plan(source, **params)
    assert caught.value.status == 400
    body = caught.value.body()
    assert body["error"] == "output_too_large"
    assert body["max_output_side"] == 8192
    assert "8192" in body["message"]


def test_the_limit_itself_is_allowed() -> None:
    assert plan(LANDSCAPE, w=8192).canvas == (8192, 5461)
    assert plan(LANDSCAPE, fit=Fit.MAX, w=100_000, limit=300).canvas == (300, 200)


def test_the_limit_is_a_parameter() -> None:
    with pytest.raises(OutputTooLarge):
        plan(LANDSCAPE, w=300, limit=299)


@pytest.mark.parametrize(
    ("source", "params", "canvas"),
    [
        pytest.param((9000, 100), {}, (8192, 91), id="unsized-original"),
        pytest.param((100, 9000), {"fit": Fit.CROP}, (91, 8192), id="unsized-crop"),
        pytest.param((12000, 9000), {"fit": Fit.CROP, "ar": (1.0, 1.0)}, (8192, 8192), id="ar"),
    ],
)
def test_an_unsized_render_of_a_huge_original_shrinks_to_the_limit(
    source: tuple[int, int], params: dict[str, Any], canvas: tuple[int, int]
) -> None:
    assert plan(source, **params).canvas == canvas


def test_min_and_max_keep_large_requests_small() -> None:
    assert plan(LANDSCAPE, fit=Fit.MIN, w=20_000, h=20_000).canvas == (200, 200)


# crop position: gravity, focal point, zoom, content-aware


GRAVITY = [
    pytest.param((300, 300), "", Box(0, 75, 300, 150), id="centre"),
    pytest.param((300, 300), "top", Box(0, 0, 300, 150), id="top"),
    pytest.param((300, 300), "bottom", Box(0, 150, 300, 150), id="bottom"),
    pytest.param((300, 300), "top,bottom", Box(0, 75, 300, 150), id="opposites-cancel"),
    pytest.param((300, 300), "left", Box(0, 75, 300, 150), id="left-on-tall-region"),
    pytest.param((600, 150), "", Box(150, 0, 300, 150), id="centre-wide"),
    pytest.param((600, 150), "left", Box(0, 0, 300, 150), id="left"),
    pytest.param((600, 150), "right", Box(300, 0, 300, 150), id="right"),
    pytest.param((600, 150), "top,left", Box(0, 0, 300, 150), id="top-left"),
    pytest.param((600, 150), "bottom,right", Box(300, 0, 300, 150), id="bottom-right"),
]


@pytest.mark.parametrize(("source", "crop", "region"), GRAVITY)
def test_crop_gravity(source: tuple[int, int], crop: str, region: Box) -> None:
    params: dict[str, Any] = {"crop": crop} if crop else {}
    result = plan(source, fit=Fit.CROP, w=100, h=50, **params)
    assert (result.region, result.scaled, result.canvas) == (region, (100, 50), (100, 50))


@pytest.mark.parametrize("fit", [Fit.CROP, Fit.MIN])
def test_gravity_applies_to_both_cropping_fits(fit: Fit) -> None:
    assert plan((600, 150), fit=fit, w=100, h=50, crop="right").region == Box(300, 0, 300, 150)


FOCAL = [
    pytest.param(FocalPoint(0.5, 0.5), Box(50, 0, 200, 200), id="centre"),
    pytest.param(FocalPoint(0.4, 0.5), Box(20, 0, 200, 200), id="left-of-centre"),
    pytest.param(FocalPoint(0.9, 0.5), Box(100, 0, 200, 200), id="clamped-right"),
    pytest.param(FocalPoint(0.0, 1.0), Box(0, 0, 200, 200), id="clamped-left"),
    pytest.param(FocalPoint(0.5, 0.5, 2.0), Box(100, 50, 100, 100), id="zoom-2"),
    pytest.param(FocalPoint(0.2, 0.3, 2.0), Box(10, 10, 100, 100), id="zoom-off-centre"),
    pytest.param(FocalPoint(1.0, 1.0, 4.0), Box(250, 150, 50, 50), id="zoom-clamped-corner"),
    pytest.param(FocalPoint(0.5, 0.5, 1.0), Box(50, 0, 200, 200), id="zoom-1"),
]


@pytest.mark.parametrize(("focal", "region"), FOCAL)
def test_focal_point(focal: FocalPoint, region: Box) -> None:
    result = plan(LANDSCAPE, fit=Fit.CROP, w=100, h=100, crop="focalpoint", focal=focal)
    assert (result.region, result.canvas, result.interest) == (region, (100, 100), None)


def test_focal_point_needs_crop_focalpoint() -> None:
    result = plan(LANDSCAPE, fit=Fit.CROP, w=100, h=100, focal=FocalPoint(0.9, 0.5, 3.0))
    assert result.region == Box(50, 0, 200, 200)


def test_focal_zoom_with_min_shows_the_zoomed_region_unscaled() -> None:
    result = plan(
        LANDSCAPE, fit=Fit.MIN, w=150, h=150, crop="focalpoint", focal=FocalPoint(0.5, 0.5, 2.0)
    )
    assert (result.region, result.canvas) == (Box(100, 50, 100, 100), (100, 100))


@pytest.mark.parametrize(
    ("crop", "interest"), [("entropy", Interest.ENTROPY), ("edges", Interest.ATTENTION)]
)
def test_content_aware_crop_gives_a_centred_region_to_slide(crop: str, interest: Interest) -> None:
    result = plan(LANDSCAPE, fit=Fit.CROP, w=100, h=100, crop=crop)
    assert (result.interest, result.region, result.bounds) == (
        interest,
        Box(50, 0, 200, 200),
        Box(0, 0, 300, 200),
    )


def test_content_aware_fallback_follows_the_direction() -> None:
    result = plan(LANDSCAPE, fit=Fit.CROP, w=100, h=100, crop="entropy,left")
    assert (result.interest, result.region) == (Interest.ENTROPY, Box(0, 0, 200, 200))


def test_no_interest_when_nothing_is_cut() -> None:
    assert plan(LANDSCAPE, fit=Fit.CROP, w=150, h=100, crop="entropy").interest is None


def test_no_interest_outside_cropping_fits() -> None:
    assert plan(LANDSCAPE, fit=Fit.FILL, w=100, h=100, crop="edges").interest is None


def test_focal_point_wins_over_content_aware() -> None:
    result = plan(
        LANDSCAPE, fit=Fit.CROP, w=100, h=100, crop="focalpoint,entropy", focal=FocalPoint(0.0, 0.5)
    )
    assert (result.interest, result.region) == (None, Box(0, 0, 200, 200))


def test_crop_upscale_region_and_scale() -> None:
    result = plan(LANDSCAPE, fit=Fit.CROP, w=900, h=100)
    assert astuple(result.region) == pytest.approx((0, 250 / 3, 300, 100 / 3))
    assert result.scale == pytest.approx(3.0)


def test_shrink_on_load_scale_of_a_downscale() -> None:
    assert plan((4000, 3000), w=400).scale == pytest.approx(0.1)
