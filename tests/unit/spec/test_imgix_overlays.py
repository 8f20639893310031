"""imgix watermark, text, blend and image-mask parameters: what each query sets (a dotted
field of the spec, properties included), and the 400s that name the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from enlarger.errors import InvalidParameter
from enlarger.spec.canonical import canonical, read_canonical
from enlarger.spec.imgix import parse
from enlarger.spec.imgix_overlays import OVERLAY_PARAMETERS
from enlarger.spec.model import (
    Blend,
    BlendMode,
    Color,
    Extent,
    LayerFit,
    MarkPlacement,
    Text,
    TextClip,
    TextFont,
    Watermark,
)
from enlarger.spec.paths import value_at

START, CENTER, END, TILE = (
    MarkPlacement.START,
    MarkPlacement.CENTER,
    MarkPlacement.END,
    MarkPlacement.TILE,
)
RED = Color(255, 0, 0)
MARK = Watermark("logo.png", END, Extent(5), END, Extent(5))
M = "mark=logo.png&"
T = "txt=Hi&"
B = "blend=tex.png&"

ACCEPTED_OVERLAYS: list[tuple[str, str, Any]] = [
    ("mark=logo.png", "effects.watermark", MARK),
    ("mark=/marks/logo.png", "effects.watermark.path", "marks/logo.png"),
    (
        "mark=HTTPS://cdn.example.com/a.png",
        "effects.watermark.path",
        "https://cdn.example.com/a.png",
    ),
    (
        M + "mark-base=https://cdn.example.com/m/",
        "effects.watermark.source",
        "https://cdn.example.com/m/logo.png",
    ),
    (M + "mark-base=marks", "effects.watermark.source", "marks/logo.png"),
    (M + "mark-align=top,left", "effects.watermark.x", START),
    (M + "mark-align=middle", "effects.watermark.y", CENTER),
    (M + "mark-align=middle", "effects.watermark.x", END),
    (M + "mark-pad=20", "effects.watermark.y_offset", Extent(20)),
    (M + "mark-x=30", "effects.watermark.x_offset", Extent(30)),
    (M + "mark-x=30", "effects.watermark.x", START),
    (M + "mark-y=25", "effects.watermark.y_offset", Extent(25)),
    (M + "mark-tile=grid", "effects.watermark.y", TILE),
    (M + "mark-alpha=40", "effects.watermark.opacity", 0.4),
    (M + "mark-w=0.3", "effects.watermark.w", Extent(0.3, relative=True)),
    (M + "mark-h=60", "effects.watermark.h", Extent(60)),
    (M + "mark-fit=crop", "effects.watermark.fit", LayerFit.CROP),
    (M + "mark-scale=25", "effects.watermark.w_share", 0.25),
    (M + "mark-rot=-90", "effects.watermark.rotation", 270.0),
    (M + "mark-if-min-width=400", "effects.watermark.min_w", 400),
    (M + "mark-if-min-height=300", "effects.watermark.min_h", 300),
    ("txt=Zo%C3%AB%20%E2%80%94%20%C2%A9", "effects.text", Text("Zoë — ©")),
    ("txt64=WmHDq3c", "effects.text.text", "Zaëw"),
    ("t=Line%201%0ALine%202", "effects.text.text", "Line 1\nLine 2"),
    ("txt=a%3Cb%3E", "effects.text.text", "a<b>"),
    (T + "txt-font=serif,bold", "effects.text.font", TextFont.SERIF),
    (T + "txt-font=bold", "effects.text.bold", True),
    (T + "txt-font=monospace,italic", "effects.text.italic", True),
    (T + "txt-size=48", "effects.text.size", 48),
    (T + "txt-color=f00", "effects.text.color", RED),
    (T + "txt-align=top,center", "effects.text.x", CENTER),
    (T + "txt-align=top,center", "effects.text.y", START),
    (T + "txt-pad=0", "effects.text.pad", 0),
    (T + "txt-shad=2.5", "effects.text.shadow", 2.5),
    (T + "txt-width=300", "effects.text.width", 300),
    (T + "txt-fit=max", "effects.text.shrink", True),
    (T + "txt-line=2", "effects.text.line", 2),
    (T + "txt-line=2&txt-line-color=red", "effects.text.line_color", RED),
    (T + "txt-lead=8", "effects.text.lead", 8),
    (T + "txt-track=-4", "effects.text.track", -4),
    (T + "txt-clip=start", "effects.text.clip", TextClip.START),
    (T + "txt-clip=ellipsis", "effects.text.ellipsis", True),
    (T + "txt-clip=middle,ellipsis", "effects.text.clip", TextClip.MIDDLE),
    ("blend=f00", "effects.blend", Blend(color=RED)),
    ("blend=tex.png", "effects.blend", Blend(image="tex.png")),
    ("b=80ff0000", "effects.blend.color", Color(255, 0, 0, 128)),
    (B + "blend-mode=luminosity", "effects.blend.mode", BlendMode.LUMINOSITY),
    (B + "bm=dodge", "effects.blend.mode", BlendMode.DODGE),
    (B + "blend-alpha=50", "effects.blend.alpha", 50),
    (B + "blend-align=bottom,right", "effects.blend.x", END),
    (B + "blend-fit=clamp", "effects.blend.fit", LayerFit.CLAMP),
    (B + "blend-crop=top", "effects.blend.crop_y", START),
    (B + "blend-crop=top", "effects.blend.crop_x", CENTER),
    (B + "blend-w=0.5", "effects.blend.w", Extent(0.5, relative=True)),
    (B + "blend-h=200", "effects.blend.h", Extent(200)),
    (B + "blend-x=20", "effects.blend.left", 20),
    (B + "blend-y=15", "effects.blend.top", 15),
    (B + "blend-pad=10", "effects.blend.pad", 10),
    (B + "blend-size=inherit", "effects.blend.inherit", True),
    ("mask=masks/star.png", "effects.mask_image", "masks/star.png"),
    ("mask=masks/star.png", "effects.mask", None),
    ("mask=star.png&mask-bg=f00", "effects.mask_bg", RED),
]

REJECTED_OVERLAYS: list[tuple[str, str]] = [
    ("mark=../secret.png", "mark"),
    ("mark=a/./b.png", "mark"),
    ("mark=logo.png%3Fw%3D10", "mark"),
    ("mark=ftp://example.com/a.png", "mark"),
    ("mark=https://", "mark"),
    ("mark-align=top", "mark-align"),  # without mark
    (M + "mark-align=top,bottom", "mark-align"),
    (M + "mark-align=up", "mark-align"),
    (M + "mark-pad=-1", "mark-pad"),
    (M + "mark-alpha=101", "mark-alpha"),
    (M + "mark-w=1.5", "mark-w"),
    (M + "mark-fit=clamp", "mark-fit"),
    (M + "mark-tile=yes", "mark-tile"),
    (M + "mark-scale=120", "mark-scale"),
    (M + "mark-rot=abc", "mark-rot"),
    ("txt=", "txt"),
    ("txt=a%07b", "txt"),
    ("txt=" + "x" * 257, "txt"),
    ("txt64=***", "txt64"),
    ("txt-size=20", "txt-size"),  # without txt
    (T + "txt-size=0", "txt-size"),
    (T + "txt-size=513", "txt-size"),
    (T + "txt-font=Helvetica", "txt-font"),
    (T + "txt-font=serif,monospace", "txt-font"),
    (T + "txt-font=bold,bold", "txt-font"),
    (T + "txt-color=nope", "txt-color"),
    (T + "txt-shad=11", "txt-shad"),
    (T + "txt-fit=min", "txt-fit"),
    (T + "txt-line=51", "txt-line"),
    (T + "txt-line-color=fff", "txt-line-color"),  # without txt-line
    (T + "txt-track=-5", "txt-track"),
    (T + "txt-clip=start,end", "txt-clip"),
    (T + "txt-clip=ellipsis,ellipsis", "txt-clip"),
    (T + "txt-width=-1", "txt-width"),
    ("blend=../x.png", "blend"),
    ("blend-mode=multiply", "blend-mode"),  # without blend
    (B + "blend-mode=plus", "blend-mode"),
    (B + "blend-alpha=-1", "blend-alpha"),
    (B + "blend-x=-20", "blend-x"),
    (B + "blend-fit=fill", "blend-fit"),
    (B + "blend-crop=faces", "blend-crop"),
    (B + "blend-crop=middle", "blend-crop"),
    (B + "blend-size=cover", "blend-size"),
    (B + "blend-w=8193", "blend-w"),
    ("mask=a/../b.png", "mask"),
]


@pytest.mark.parametrize(("query", "path", "value"), ACCEPTED_OVERLAYS)
def test_sets(query: str, path: str, value: Any) -> None:
    assert value_at(parse(query), tuple(path.split("."))) == value


@pytest.mark.parametrize(("query", "path", "value"), ACCEPTED_OVERLAYS)
def test_canonical_strings_read_back(query: str, path: str, value: Any) -> None:
    spec = parse(query)
    assert read_canonical(canonical(spec)) == spec


@pytest.mark.parametrize(("query", "parameter"), REJECTED_OVERLAYS)
def test_rejects_naming_the_parameter(query: str, parameter: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse(query)
    assert caught.value.details["parameter"] == parameter


def test_every_overlay_parameter_is_tested() -> None:
    named = {
        pair.partition("=")[0] for query, _, _ in ACCEPTED_OVERLAYS for pair in query.split("&")
    }
    assert {p.name for p in OVERLAY_PARAMETERS} - {"mark-base"} <= named | {"mark-base"}
    assert {p.name for p in OVERLAY_PARAMETERS} <= named


@pytest.mark.parametrize(
    ("param", "alias"), [(p, alias) for p in OVERLAY_PARAMETERS for alias in p.aliases]
)
def test_aliases_mean_the_same(param: Any, alias: str) -> None:
    query = next(
        q for q, _, _ in ACCEPTED_OVERLAYS if q.split("&")[-1].startswith(f"{param.name}=")
    )
    head, _, last = query.rpartition("&")
    aliased = (
        f"{head}&{alias}{last.removeprefix(param.name)}"
        if head
        else alias + last.removeprefix(param.name)
    )
    assert parse(aliased) == parse(query)


def test_extra_sources_name_each_image_by_role() -> None:
    spec = parse("mark=logo.png&mark-base=marks/&blend=tex.png&mask=m/star.png")
    assert spec.extra_sources() == {
        "watermark": "marks/logo.png",
        "blend": "tex.png",
        "mask": "m/star.png",
    }
    assert parse("blend=f00&mask=ellipse").extra_sources() == {}


def test_text_is_kept_exactly_in_the_canonical_string() -> None:
    spec = parse("txt=a,b%26c%3Dd%20%C3%A9")
    assert spec.effects.text is not None
    assert read_canonical(canonical(spec)).effects.text == spec.effects.text
