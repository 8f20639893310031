"""thumbor paths -> RenderSpec fields (pure: no server, no pixels)."""

from __future__ import annotations

import pytest

from enlarger.errors import ClientError
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Crop, Extent, Fit, Flip, Format, MarkPlacement, Rect, Watermark
from enlarger.spec.negotiate import choose_format
from enlarger.spec.plan import make_plan
from enlarger.spec.thumbor import parse_path


def test_sizes_alignment_smart_and_filters() -> None:
    draft, image = parse_path("-300x0/left/top/smart/filters:format(webp):quality(55)/a%20b.jpg")
    geometry = draft.spec.geometry
    assert image == "a b.jpg"
    assert (geometry.w, geometry.h, geometry.fit) == (Extent(300), None, Fit.CROP)
    # flipped first here, so the left of thumbor's flipped output is the source's right
    assert geometry.crop == frozenset({Crop.RIGHT, Crop.TOP, Crop.FACES, Crop.EDGES})
    assert draft.spec.orientation.flip is Flip.H
    assert (draft.spec.output.fm, draft.spec.output.q) == (Format.WEBP, 55)


def test_fit_in_fill_upscale_and_manual_crop() -> None:
    draft, _ = parse_path("10x20:110x220/adaptive-fit-in/origx50/filters:fill(red):upscale()/p.png")
    geometry = draft.spec.geometry
    assert geometry.rect == Rect(Extent(10), Extent(20), Extent(100), Extent(200))
    assert (geometry.w, geometry.h) == (Extent(1.0, relative=True), Extent(50))
    assert (geometry.fit, geometry.adaptive) == (Fit.FILL, True)


def test_defaults_are_thumbors() -> None:
    draft, image = parse_path("i/abc123")
    assert image == "i/abc123"
    assert draft.spec.output.q == 80
    assert draft.spec.geometry.fit is Fit.CROP


@pytest.mark.parametrize(
    "path",
    ["trim/-10x10/a.jpg", "filters:blur()/a.jpg", "filters:x()/a.jpg"],
)
def test_unsupported_parts_and_bad_filters_are_400s(path: str) -> None:
    with pytest.raises(ClientError):
        parse_path(path)


def test_watermark_positions_alpha_and_shares() -> None:
    draft, _ = parse_path("filters:watermark(/marks/logo.png,-10,20p,30,none,25)/a.jpg")
    assert draft.spec.effects.watermark == Watermark(
        "marks/logo.png",
        MarkPlacement.END,
        Extent(10),
        MarkPlacement.START,
        Extent(0.2, relative=True),
        opacity=0.7,
        h_share=0.25,
    )
    assert draft.spec.extra_sources() == {"watermark": "marks/logo.png"}
    tiled, _ = parse_path("filters:watermark(logo.png,repeat,center,0)/a.jpg")
    mark = tiled.spec.effects.watermark
    assert mark is not None
    assert (mark.x, mark.y, mark.opacity) == (MarkPlacement.TILE, MarkPlacement.CENTER, 1.0)


@pytest.mark.parametrize(
    "args",
    ["http://x/l.png,0,0,0", ",0,0,0", "l.png,left,0,0", "l.png,0,0,101", "l.png,0,0,0,200"],
)
def test_bad_watermarks_are_400s(args: str) -> None:
    with pytest.raises(ClientError, match="watermark"):
        parse_path(f"filters:watermark({args})/a.jpg")


def test_full_fit_in_covers_the_box_without_cutting() -> None:
    facts = SourceFacts(640, 427, "jpegload")
    for path, size in [
        ("full-fit-in/200x200/a.jpg", (300, 200)),
        ("full-fit-in/900x300/a.jpg", (900, 600)),
        ("adaptive-full-fit-in/200x400/a.jpg", (400, 267)),
    ]:
        draft, _ = parse_path(path)
        assert draft.spec.geometry.cover
        plan = make_plan(draft.spec, facts)
        assert plan.canvas == size
        assert plan.region.width == 640


def test_proportion_scales_the_finished_size_down() -> None:
    facts = SourceFacts(640, 427, "jpegload")
    for path, size in [
        ("300x200/filters:proportion(0.5)/a.jpg", (150, 100)),
        ("fit-in/999x999/filters:proportion(0.5)/a.jpg", (320, 213)),
        ("fit-in/300x300/filters:fill(red):proportion(0.5)/a.jpg", (150, 150)),
    ]:
        draft, _ = parse_path(path)
        assert make_plan(draft.spec, facts).canvas == size


@pytest.mark.parametrize(
    ("path", "loader", "alpha", "chosen"),
    [
        ("filters:autojpg()/a.png", "png", False, Format.JPG),
        ("filters:autojpg()/a.png", "png", True, Format.PNG),
        ("filters:autojpg(false)/a.png", "png", False, Format.PNG),
        ("filters:autojpg():format(png)/a.png", "png", False, Format.PNG),
        ("filters:autojpg()/a.webp", "webp", False, Format.WEBP),
    ],
)
def test_autojpg_writes_opaque_pngs_as_jpeg(
    path: str, loader: str, alpha: bool, chosen: Format
) -> None:
    draft, _ = parse_path(path)
    facts = SourceFacts(10, 10, loader, has_alpha=alpha)
    assert choose_format(draft.spec.output, frozenset(), facts) is chosen


@pytest.mark.parametrize(
    "args",
    ["1;2;1;2,3", "1;x;1,1", "1,0", "1,16", ";".join(["1"] * 226) + ",15", "1,1,maybe"],
)
def test_bad_convolutions_are_400s(args: str) -> None:
    with pytest.raises(ClientError, match="convolution"):
        parse_path(f"filters:convolution({args})/a.jpg")


def test_focal_centres_the_crop_on_the_box() -> None:
    facts = SourceFacts(640, 427, "jpegload")
    draft, _ = parse_path("150x300/right/filters:focal(40x100:80x200)/a.jpg")
    assert draft.spec.geometry.focus == (60.0, 150.0)
    region = make_plan(draft.spec, facts).region
    assert (region.left, region.width, region.height) == (0, 213.5, 427)  # clamped left
    draft, _ = parse_path("427x427/filters:focal(300x0:340x427)/a.jpg")
    assert make_plan(draft.spec, facts).region.left == 320 - 427 / 2
    empty, _ = parse_path("100x100/filters:focal(10x10:10x50)/a.jpg")
    assert empty.spec.geometry.focus is None
    with pytest.raises(ClientError, match="focal"):
        parse_path("filters:focal(10x10)/a.jpg")


@pytest.mark.parametrize(
    ("inner", "image", "focus"),
    [
        ("x.test/unsafe/20x100:100x200/r.jpg", "r.jpg", (60.0, 150.0)),
        (
            "https://x.test/unsafe/fit-in/9x9/x.test/abc=/400x0:500x100/r.jpg",
            "r.jpg",
            (450.0, 50.0),
        ),
        ("x.test/unsafe/100x100/r.jpg", "x.test/unsafe/100x100/r.jpg", None),
        ("r.jpg", "r.jpg", None),
    ],
)
def test_extract_focal_reads_the_crop_of_a_thumbor_url_as_the_image(
    inner: str, image: str, focus: tuple[float, float] | None
) -> None:
    draft, found = parse_path(f"150x300/filters:extract_focal()/{inner}")
    assert (found, draft.spec.geometry.focus) == (image, focus)
    plain, same = parse_path(f"150x300/{inner}")
    assert (same, plain.spec.geometry.focus) == (inner, None)


@pytest.mark.parametrize("path", ["300x200/a%80.jpg", "filters:watermark(b%C3.png,0,0,0)/a.jpg"])
def test_escapes_that_are_not_utf8_are_a_400(path: str) -> None:
    """Found by tests/unit/fuzz: these were a UnicodeDecodeError (500)."""
    with pytest.raises(ClientError, match="percent-encoded UTF-8"):
        parse_path(path)
