"""Canonical strings: deterministic, minimal, dialect-neutral, and read back as the same spec."""

from __future__ import annotations

from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enlarger.spec.args import Filename
from enlarger.spec.canonical import canonical, read_canonical
from enlarger.spec.imgix import parse
from enlarger.spec.model import (
    Adjust,
    Anchor,
    Auto,
    Border,
    Color,
    ColorSpace,
    Convolution,
    Corners,
    Crop,
    Denoise,
    Duotone,
    Effects,
    Extent,
    FillMode,
    Fit,
    Flip,
    FocalPoint,
    Geometry,
    MarkPlacement,
    MaskShape,
    Orientation,
    Output,
    Rect,
    RenderSpec,
    RgbShift,
    RoundCorner,
    Sharpen,
    Sides,
    Tone,
    Trim,
    TrimMode,
    TrimSample,
    Watermark,
)
from enlarger.spec.negotiate import DEFAULT_WRITABLE

T = TypeVar("T")


def unit(*, zero: bool = True) -> st.SearchStrategy[float]:
    return st.floats(0, 1, exclude_min=not zero)


def pixels(low: int, high: int) -> st.SearchStrategy[Extent]:
    return st.integers(low, high).map(Extent)


def fractions(*, zero: bool) -> st.SearchStrategy[Extent]:
    return unit(zero=zero).map(lambda share: Extent(share, relative=True))


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


colors = st.builds(
    Color, *(st.integers(0, 255) for _ in "rgb"), a=st.integers(0, 255) | st.just(255)
)
positions = st.sampled_from(Anchor) | pixels(0, 100_000) | fractions(zero=True)
sizes = pixels(1, 100_000) | fractions(zero=False)
sides = pixels(2, 8192) | fractions(zero=False)
limits = maybe(st.integers(1, 8192))
ratios = st.tuples(*(st.floats(0, 1e6, exclude_min=True) for _ in "wh"))
valid_filenames = st.text(
    st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn"), exclude_characters="/\\"),
    max_size=Filename().max_length,
)

geometries = st.builds(
    Geometry,
    w=maybe(sides),
    h=maybe(sides),
    dpr=st.floats(0, 5, exclude_min=True),
    min_w=limits,
    min_h=limits,
    max_w=limits,
    max_h=limits,
    ar=maybe(ratios),
    rect=maybe(st.builds(Rect, positions, positions, sizes, sizes)),
    fit=st.sampled_from(Fit),
    crop=st.frozensets(st.sampled_from(Crop)),
    focal=st.builds(FocalPoint, unit(), unit(), st.floats(1, 100)),
    fill=maybe(st.sampled_from(FillMode)),
    fill_color=colors,
    fill_from_image=st.booleans(),
    adaptive=st.booleans(),
    within_source=st.booleans(),
    cover=st.booleans(),
    focus=maybe(st.tuples(st.floats(0, 1e5), st.floats(0, 1e5))),
    final_scale=st.floats(0, 1, exclude_min=True),
    trim=maybe(
        st.builds(
            Trim,
            st.sampled_from(TrimMode),
            maybe(colors),
            st.floats(0, 1e6),
            st.floats(0, 1e6),
            st.floats(0, 1e6),
            st.integers(-200, 200),
            maybe(st.sampled_from(TrimSample)),
        )
    ),
    pad=st.builds(
        Sides,
        *(st.integers(0, 10_000) for _ in "a"),
        *(maybe(st.integers(0, 10_000)) for _ in "trbl"),
    ),
)
orientations = st.builds(
    Orientation,
    rot=st.floats(0, 360, exclude_max=True),
    flip=maybe(st.sampled_from(Flip)),
    orient=maybe(st.sampled_from((0, 1, 2, 3, 4, 5, 6, 7, 8, 90, 180, 270))),
    turn=st.sampled_from((0, 90, 180, 270)),
)
outputs = st.builds(
    Output,
    fm=maybe(st.sampled_from(sorted(DEFAULT_WRITABLE))),
    q=maybe(st.integers(0, 100)),
    lossless=st.booleans(),
    chromasub=maybe(st.sampled_from((444, 422, 420))),
    cs=maybe(st.sampled_from(ColorSpace)),
    bg=maybe(colors),
    auto=st.frozensets(st.sampled_from(Auto)),
    dl=maybe(valid_filenames),
    max_bytes=maybe(st.integers(1, 10**9)),
    opaque_png_as_jpeg=st.booleans(),
)
percents = st.floats(-100, 100)
corners = st.builds(Corners, *(st.integers(0, 100_000) for _ in "abcd"))
effects = st.builds(
    Effects,
    grayscale=st.booleans(),
    adjust=maybe(st.builds(Adjust, percents, percents, st.floats(0, 100))),
    rgb_shift=maybe(st.builds(RgbShift, percents, percents, percents)),
    equalize=st.booleans(),
    blur_sigma=maybe(st.floats(0, 150, exclude_min=True)),
    sharpen=maybe(st.builds(Sharpen, st.floats(0, 10), st.floats(0, 100), st.booleans())),
    convolution=maybe(
        st.builds(
            Convolution,
            st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=225).map(tuple),
            st.integers(1, 15),
            st.booleans(),
        )
    ),
    noise=maybe(st.floats(0, 100)),
    watermark=maybe(
        st.builds(
            Watermark,
            valid_filenames.filter(bool),
            st.sampled_from(MarkPlacement),
            pixels(0, 100_000) | fractions(zero=True),
            st.sampled_from(MarkPlacement),
            pixels(0, 100_000) | fractions(zero=True),
            unit(),
            unit(),
            unit(),
        )
    ),
    round_corner=maybe(
        st.builds(
            RoundCorner, st.integers(0, 10_000), st.integers(0, 10_000), colors, st.booleans()
        )
    ),
    tone=maybe(
        st.builds(Tone, percents, percents, st.floats(-100, 0), unit(), st.floats(0, 360), percents)
    ),
    invert=st.booleans(),
    unsharp=maybe(st.builds(Sharpen, st.floats(-1, 1), st.floats(0, 1e6), st.just(False))),
    denoise=maybe(st.builds(Denoise, percents, percents)),
    sepia=maybe(st.floats(0, 100, exclude_min=True)),
    monochrome=maybe(colors),
    duotone=maybe(st.builds(Duotone, colors, colors, st.floats(0, 100))),
    pixelate=maybe(st.integers(1, 100)),
    halftone=maybe(st.floats(0, 100, exclude_min=True)),
    mask=maybe(st.sampled_from(MaskShape)),
    mask_radius=maybe(corners),
    mask_bg=maybe(colors),
    border=st.builds(
        Border,
        st.builds(Sides, st.integers(0, 100), *(maybe(st.integers(0, 100)) for _ in "trbl")),
        colors,
        corners,
        corners,
    ),
)
specs = st.builds(
    RenderSpec,
    geometry=geometries,
    orientation=orientations,
    output=outputs,
    effects=effects,
)


@given(specs)
def test_every_spec_reads_back(spec: RenderSpec) -> None:
    text = canonical(spec)
    assert read_canonical(text) == spec
    assert canonical(read_canonical(text)) == text


@pytest.mark.parametrize(
    "text",
    ["w=300", "geometry.nope=1", "geometry=1", "geometry.focal=1", "geometry.fit=round"],
)
def test_anything_else_is_not_a_canonical_string(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        read_canonical(text)


@given(specs)
def test_canonical_strings_are_plain_ascii_pairs(spec: RenderSpec) -> None:
    text = canonical(spec)
    assert text.isascii()
    assert " " not in text
    assert "+" not in text
    names = [pair.partition("=")[0] for pair in text.split("&") if pair]
    assert len(names) == len(set(names))


def test_the_default_spec_is_empty() -> None:
    assert canonical(RenderSpec()) == ""
    assert canonical(parse("fit=clip&dpr=1&rot=360&fp-x=0.5&fill-color=fff&lossless=0")) == ""


@pytest.mark.parametrize(
    ("spellings", "text"),
    [
        (("w=300", "width=300", "w64=MzAw", "w=0300"), "geometry.w=300"),
        (("crop=top,left", "crop=left,top", "crop=left,top,left"), "geometry.crop=top,left"),
        (("rot=-90", "rot=270", "rot=630"), "orientation.rot=270"),
        (("bg=f00", "bg=FF0000", "bg=red", "bg=ff0000"), "output.bg=ff0000"),
        (("bg=8f00", "bg=88ff0000"), "output.bg=88ff0000"),
        (
            ("auto=format,compress", "auto=compress&auto=format"),
            "output.auto=format,compress",
        ),
        (("auto=true", "auto=enhance"), "output.auto=enhance"),
        (("h=400&w=300", "width=300&height=400"), "geometry.w=300&geometry.h=400"),
        (("ar=16:9", "ar=16.0:9.00"), "geometry.ar=16,9"),
        (
            ("rect=left,top,full,full", "rect=left,top,1.0,1.0"),
            "geometry.rect=start,start,1r,1r",
        ),
        (("fm=png&ixlib=js-3.8.0&s=abc", "s=def&fm=png"), "output.fm=png"),
        (("w=10&expires=5", "w=10&expires=6", "w=10"), "geometry.w=10"),
    ],
)
def test_spellings_of_one_request_share_a_string(spellings: tuple[str, ...], text: str) -> None:
    assert {canonical(parse(query)) for query in spellings} == {text}


def test_order_is_the_models_and_expiry_is_not_part_of_it() -> None:
    query = "expires=5&dl=a&fm=webp&rot=90&fit=crop&w=10"
    assert canonical(parse(query)) == (
        "geometry.w=10&geometry.fit=crop&orientation.rot=90&output.fm=webp&output.dl=a"
    )


def test_values_are_percent_encoded() -> None:
    text = canonical(parse("dl=caf%C3%A9%20%26%20co%2B%25.jpg"))
    assert text == "output.dl=caf%C3%A9%20%26%20co%2B%25.jpg"
    assert read_canonical(text).output.dl == "café & co+%.jpg"


def test_download_under_the_source_name_is_kept() -> None:
    assert canonical(parse("dl=")) == "output.dl="
    assert canonical(parse("q=75")) == "output.q=75"  # explicit q is not the encoder default


def test_values_no_dialect_writes_read_back() -> None:
    spec = RenderSpec(
        Geometry(w=Extent(300.5), rect=Rect(Extent(0.25), Anchor.END, Extent(1), Extent(2))),
        Orientation(rot=0.1),
    )
    assert canonical(spec) == ("geometry.w=300.5&geometry.rect=0.25,end,1,2&orientation.rot=0.1")
    assert read_canonical(canonical(spec)) == spec
