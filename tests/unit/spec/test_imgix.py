"""imgix query strings -> RenderSpec: every parameter and alias, bounds, decoding, errors."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from imgix import UrlBuilder

from enlarger.errors import InvalidParameter
from enlarger.spec.hints import ClientHint
from enlarger.spec.imgix import PARAMETERS, ImgixQuery, parse, parse_query
from enlarger.spec.imgix_overlays import OVERLAY_PARAMETERS
from enlarger.spec.model import (
    WHITE,
    Anchor,
    Auto,
    Color,
    ColorSpace,
    Crop,
    Extent,
    FaceArea,
    FillMode,
    Fit,
    Flip,
    FocalPoint,
    Format,
    Geometry,
    Output,
    PaletteFormat,
    Rect,
    RenderSpec,
    Report,
)
from enlarger.spec.negotiate import DEFAULT_WRITABLE
from tests.support.services import require
from tests.unit.spec.imgix_effect_cases import ACCEPTED_EFFECTS, REJECTED_EFFECTS

NODE_DIR = Path(__file__).parents[2] / "node"


def spec_with(path: str, value: Any) -> RenderSpec:
    """The default spec with one dotted field (``geometry.focal.x``) set."""

    def put(obj: Any, names: list[str]) -> Any:
        head, *rest = names
        return dataclasses.replace(obj, **{head: put(getattr(obj, head), rest) if rest else value})

    result: RenderSpec = put(RenderSpec(), path.split("."))
    return result


def rejected(query: str, **kwargs: Any) -> InvalidParameter:
    with pytest.raises(InvalidParameter) as caught:
        parse(query, **kwargs)
    assert caught.value.status == 400
    return caught.value


ACCEPTED: list[tuple[str, str, Any]] = [
    ("w=2", "geometry.w", Extent(2)),
    ("w=8192", "geometry.w", Extent(8192)),
    ("w=0.5", "geometry.w", Extent(0.5, relative=True)),
    ("w=1", "geometry.w", Extent(1.0, relative=True)),
    ("width=640", "geometry.w", Extent(640)),
    ("h=2", "geometry.h", Extent(2)),
    ("h=8192", "geometry.h", Extent(8192)),
    ("h=0.25", "geometry.h", Extent(0.25, relative=True)),
    ("height=480", "geometry.h", Extent(480)),
    ("dpr=5", "geometry.dpr", 5.0),
    ("dpr=0.01", "geometry.dpr", 0.01),
    ("dpr=2", "geometry.dpr", 2.0),
    ("min-w=1", "geometry.min_w", 1),
    ("min-w=8192", "geometry.min_w", 8192),
    ("min-width=100", "geometry.min_w", 100),
    ("min-h=1", "geometry.min_h", 1),
    ("min-height=8192", "geometry.min_h", 8192),
    ("max-w=1", "geometry.max_w", 1),
    ("max-width=8192", "geometry.max_w", 8192),
    ("max-h=1", "geometry.max_h", 1),
    ("max-height=8192", "geometry.max_h", 8192),
    ("ar=16:9", "geometry.ar", (16.0, 9.0)),
    ("ar=0.85:1", "geometry.ar", (0.85, 1.0)),
    ("ar=16%3A9", "geometry.ar", (16.0, 9.0)),
    (
        "rect=10,20,300,0.5",
        "geometry.rect",
        Rect(Extent(10), Extent(20), Extent(300), Extent(0.5, True)),
    ),
    (
        "rect=center,middle,full,full",
        "geometry.rect",
        Rect(Anchor.CENTER, Anchor.CENTER, Extent(1.0, True), Extent(1.0, True)),
    ),
    *[(f"fit={fit.value}", "geometry.fit", fit) for fit in Fit],
    ("f=crop", "geometry.fit", Fit.CROP),
    ("fit=facearea", "geometry", Geometry(fit=Fit.CROP, face_area=FaceArea())),
    ("f=facearea,fill", "geometry", Geometry(fit=Fit.FILL, face_area=FaceArea())),
    ("facepad=2.5&fit=facearea", "geometry", Geometry(fit=Fit.CROP, face_area=FaceArea(2.5))),
    (
        "faceindex=2&fit=facearea,max",
        "geometry",
        Geometry(fit=Fit.MAX, face_area=FaceArea(index=2)),
    ),
    ("faces=1&fm=json", "output", Output(report=Report.JSON, faces=True)),
    *[(f"crop={crop.value}", "geometry.crop", frozenset({crop})) for crop in Crop],
    ("crop=top,left", "geometry.crop", frozenset({Crop.TOP, Crop.LEFT})),
    ("crop=bottom%2Cright", "geometry.crop", frozenset({Crop.BOTTOM, Crop.RIGHT})),
    ("fp-x=0", "geometry.focal.x", 0.0),
    ("fp-x=1", "geometry.focal.x", 1.0),
    ("fp-y=0.3", "geometry.focal.y", 0.3),
    ("fp-y=1", "geometry.focal.y", 1.0),
    ("fp-z=1", "geometry.focal.z", 1.0),
    ("fp-z=100", "geometry.focal.z", 100.0),
    ("fill=solid", "geometry.fill", FillMode.SOLID),
    ("fill=blur", "geometry.fill", FillMode.BLUR),
    ("fill-color=000", "geometry.fill_color", Color(0, 0, 0)),
    ("fillcolor=80ff0000", "geometry.fill_color", Color(255, 0, 0, 0x80)),
    ("fill-color=orange", "geometry.fill_color", Color(255, 165, 0)),
    ("rot=45.5", "orientation.rot", 45.5),
    ("rot=-90", "orientation.rot", 270.0),
    ("rot=720", "orientation.rot", 0.0),
    *[(f"flip={flip.value}", "orientation.flip", flip) for flip in Flip],
    *[(f"orient={o}", "orientation.orient", o) for o in (0, 1, 2, 3, 4, 5, 6, 7, 8, 90, 180, 270)],
    ("or=6", "orientation.orient", 6),
    *[(f"fm={fm.value}", "output.fm", fm) for fm in sorted(DEFAULT_WRITABLE)],
    ("q=0", "output.q", 0),
    ("q=100", "output.q", 100),
    ("q=75", "output.q", 75),
    ("lossless=true", "output.lossless", True),
    ("lossless=1", "output.lossless", True),
    ("lossless=false", "output.lossless", False),
    ("lossless=0", "output.lossless", False),
    *[(f"chromasub={c}", "output.chromasub", c) for c in (444, 422, 420)],
    *[(f"cs={cs.value}", "output.cs", cs) for cs in ColorSpace],
    ("bg=fff", "output.bg", WHITE),
    ("bg=0000", "output.bg", Color(0, 0, 0, 0)),
    ("bg=red", "output.bg", Color(255, 0, 0)),
    ("auto=format", "output.auto", frozenset({Auto.FORMAT})),
    ("auto=compress", "output.auto", frozenset({Auto.COMPRESS})),
    ("auto=format,compress", "output.auto", frozenset({Auto.FORMAT, Auto.COMPRESS})),
    ("auto=enhance,compress", "output.auto", frozenset({Auto.ENHANCE, Auto.COMPRESS})),
    ("auto=true", "output.auto", frozenset({Auto.ENHANCE})),
    ("auto=compress&auto=format", "output.auto", frozenset({Auto.FORMAT, Auto.COMPRESS})),
    ("dl=medium.jpg", "output.dl", "medium.jpg"),
    ("dl=", "output.dl", ""),
    ("dl=my%20photo%2B1.jpg", "output.dl", "my photo+1.jpg"),
    ("dl=a+b.jpg", "output.dl", "a+b.jpg"),
    ("dl=caf%C3%A9.png", "output.dl", "café.png"),
    ("fm=json", "output.report", Report.JSON),
    ("fm=blurhash", "output.report", Report.BLURHASH),
    ("palette=json", "output.palette", PaletteFormat.JSON),
    ("palette=css", "output.palette", PaletteFormat.CSS),
    ("colors=0", "output.colors", 0),
    ("colors=16", "output.colors", 16),
    ("prefix=shop-item_2", "output.prefix", "shop-item_2"),
    ("frame=3", "animation.frames", (3, 3)),
    ("frame=2-5", "animation.frames", (2, 5)),
    ("frame=2-", "animation.frames", (2, 0)),
    ("frame=-4", "animation.frames", (1, 4)),
    ("interval=2", "animation.interval", 2),
    ("skip=3", "animation.skip", 3),
    ("reverse=true", "animation.reverse", True),
    ("fps=60", "animation.fps", 60),
    ("loop=0", "animation.loop", 0),
    ("loop=100000", "animation.loop", 100000),
    ("dl64=bXkgZmlsZS5qcGc", "output.dl", "my file.jpg"),
    ("w64=MzAw", "geometry.w", Extent(300)),
    ("fit64=Y3JvcA", "geometry.fit", Fit.CROP),
    ("expires=1700000000", "expires", 1700000000),
    ("expires=0", "expires", 0),
    *ACCEPTED_EFFECTS,
    ("ch=Width,DPR", "hints", frozenset({ClientHint.WIDTH, ClientHint.DPR})),
]


@pytest.mark.parametrize(("query", "path", "value"), ACCEPTED)
def test_accepts(query: str, path: str, value: Any) -> None:
    if path == "expires":  # a request check, kept beside the spec
        assert parse_query(query) == ImgixQuery(RenderSpec(), value)
    elif path == "hints":  # request headers fill the spec in later (spec/hints.py)
        assert parse_query(query) == ImgixQuery(RenderSpec(), hints=value)
    else:
        assert parse(query) == spec_with(path, value)


REJECTED: list[tuple[str, str]] = [
    ("w=1.5", "w"),
    ("w=8193", "w"),
    ("w=0", "w"),
    ("w=0.0", "w"),
    ("w=-10", "w"),
    ("w=", "w"),
    ("w", "w"),
    ("w=100px", "w"),
    ("w=+100", "w"),
    ("width=8193", "width"),
    ("h=8193", "h"),
    ("height=0", "height"),
    ("dpr=0", "dpr"),
    ("dpr=5.01", "dpr"),
    ("dpr=-1", "dpr"),
    ("min-w=0", "min-w"),
    ("min-w=8193", "min-w"),
    ("min-width=0.5", "min-width"),
    ("min-h=0", "min-h"),
    ("min-height=8193", "min-height"),
    ("max-w=0", "max-w"),
    ("max-width=8193", "max-width"),
    ("max-h=0", "max-h"),
    ("max-height=8193", "max-height"),
    ("ar=16", "ar"),
    ("ar=0:1", "ar"),
    ("ar=16x9", "ar"),
    ("rect=0,0,0,10", "rect"),
    ("rect=0,0,10", "rect"),
    ("fit=facearea,", "fit"),
    ("fit=cover", "fit"),
    ("f=facearea,facearea", "f"),
    ("fit=facearea,cover", "fit"),
    ("crop=face", "crop"),
    ("crop=top,,faces", "crop"),
    ("fit=facearea&facepad=0.5", "facepad"),
    ("fit=facearea&facepad=11", "facepad"),
    ("fit=crop&facepad=2", "facepad"),
    ("fit=facearea&faceindex=0", "faceindex"),
    ("fit=facearea&faceindex=1.5", "faceindex"),
    ("faceindex=1", "faceindex"),
    ("fm=json&faces=0", "faces"),
    ("fm=png&faces=1", "faces"),
    ("crop=", "crop"),
    ("fp-x=-0.1", "fp-x"),
    ("fp-x=1.01", "fp-x"),
    ("fp-y=1.5", "fp-y"),
    ("fp-z=0.99", "fp-z"),
    ("fp-z=100.1", "fp-z"),
    ("fill=gen", "fill"),
    ("auto=redeye", "auto"),
    ("auto=format,redeye", "auto"),
    ("frame=0", "frame"),
    ("frame=5-2", "frame"),
    ("frame=-", "frame"),
    ("frame=1.5", "frame"),
    ("skip=0", "skip"),
    ("interval=-1", "interval"),
    ("fps=0", "fps"),
    ("fps=61", "fps"),
    ("loop=-1", "loop"),
    ("reverse=maybe", "reverse"),
    ("fill=generative", "fill"),
    ("fill=gradient", "fill"),
    ("fill-color=12345", "fill-color"),
    ("fillcolor=imgixorange", "fillcolor"),
    ("rot=", "rot"),
    ("rot=right", "rot"),
    ("flip=x", "flip"),
    ("orient=9", "orient"),
    ("orient=45", "orient"),
    ("or=-90", "or"),
    ("fm=jpeg", "fm"),
    ("fm=png8", "fm"),
    ("fm=jp2", "fm"),
    ("fm=jxl", "fm"),
    ("fm=", "fm"),
    ("q=-1", "q"),
    ("q=101", "q"),
    ("q=80.5", "q"),
    ("lossless=yes", "lossless"),
    ("chromasub=411", "chromasub"),
    ("cs=adobergb1998", "cs"),
    ("cs=tinysrgb", "cs"),
    ("bg=#fff", "bg"),
    ("auto=", "auto"),
    ("auto=fast", "auto"),
    ("auto64=Zm9ybWF0", "auto64"),
    ("dl=a%0D%0ASet-Cookie:x", "dl"),
    ("dl=..%2Fsecret", "dl"),
    ("dl=%FF.jpg", "dl"),
    ("dl64=!!", "dl64"),
    ("expires=-1", "expires"),
    ("expires=soon", "expires"),
    ("expires=1700000000000000", "expires"),
    *REJECTED_EFFECTS,
]


@pytest.mark.parametrize(("query", "parameter"), REJECTED)
def test_rejects_naming_the_parameter(query: str, parameter: str) -> None:
    error = rejected(query)
    assert error.details["parameter"] == parameter
    assert error.body()["error"] == "invalid_parameter"
    assert error.details["expected"]


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("fill=gen", "gen, generative, gradient: not supported"),
        ("cs=adobergb1998", "adobergb1998, tinysrgb: not supported"),
        ("fm=png8", "png8"),
    ],
)
def test_unimplemented_imgix_values_say_not_supported(query: str, hint: str) -> None:
    assert hint in rejected(query).details["expected"]


@pytest.mark.parametrize("name", ["face-blur", "foo", "W", "Width", "w64x", "txt-x"])
def test_unknown_parameters_are_named(name: str) -> None:
    error = rejected(f"w=100&{name}=10")
    assert error.details["parameter"] == name
    assert "a supported parameter: w, h, dpr" in error.details["expected"]


def test_empty_name_is_an_unknown_parameter() -> None:
    assert rejected("=5").details["parameter"] == ""


@pytest.mark.parametrize(
    ("query", "second"),
    [
        ("w=100&w=200", "w"),
        ("w=100&width=200", "width"),
        ("width=100&w=100", "w"),
        ("fit=crop&f=crop", "f"),
        ("dl=a.jpg&dl64=YS5qcGc", "dl64"),
        ("fill-color=fff&fillcolor=000", "fillcolor"),
        ("or=90&orient=90", "orient"),
    ],
)
def test_a_parameter_given_twice_is_a_400(query: str, second: str) -> None:
    error = rejected(query)
    assert error.details["parameter"] == second
    assert "only once" in error.details["expected"]


def test_ixlib_and_signature_are_ignored() -> None:
    assert parse("w=100&ixlib=js-3.8.0&s=0123456789abcdef") == spec_with("geometry.w", Extent(100))
    assert parse("s=1&s=2&ixlib=") == RenderSpec()


@pytest.mark.parametrize("query", ["", "&", "&&"])
def test_an_empty_query_is_the_default_spec(query: str) -> None:
    assert parse(query) == RenderSpec()


@pytest.mark.parametrize("query", ["w=100&&", "&w=100", "&&w=100&"])
def test_empty_segments_are_skipped(query: str) -> None:
    assert parse(query) == spec_with("geometry.w", Extent(100))


def test_percent_encoded_names() -> None:
    assert parse("%77=100") == spec_with("geometry.w", Extent(100))


def test_invalid_utf8_in_a_name_is_a_400() -> None:
    assert rejected("%FF=1").details["parameter"] == "%FF"


def test_values_are_kept_as_given_for_the_planner() -> None:
    spec = parse("w=300&h=200&dpr=2&fit=crop&ar=4:3&max-w=100")
    assert spec.geometry.w == Extent(300)
    assert spec.geometry.h == Extent(200)
    assert spec.geometry.dpr == 2.0
    assert spec.geometry.ar == (4.0, 3.0)
    assert spec.geometry.max_w == 100
    assert spec.output.q is None  # imgix's default 75 is the encoder's business


def test_fm_and_auto_format_are_both_kept() -> None:
    output = parse("auto=format&fm=png").output
    assert output.fm is Format.PNG
    assert output.auto == {Auto.FORMAT}


def test_jxl_only_when_libvips_writes_it() -> None:
    assert "jxl" not in rejected("fm=jxl").details["expected"].split(": ")[-1]
    spec = parse("fm=jxl", writable=DEFAULT_WRITABLE | {Format.JXL})
    assert spec.output.fm is Format.JXL


def test_fm_is_checked_against_the_writable_formats() -> None:
    error = rejected("fm=avif", writable=frozenset({Format.JPG, Format.PNG}))
    assert error.details["parameter"] == "fm"
    assert error.details["expected"] == "a format this server writes: one of jpg, png"


def test_everything_at_once() -> None:
    query = (
        "w=0.5&h=400&dpr=1.5&min-w=10&min-h=20&max-w=3000&max-h=4000&ar=3:2"
        "&rect=right,bottom,0.5,0.5&fit=fillmax&crop=focalpoint&fp-x=0.2&fp-y=0.8&fp-z=3"
        "&fill=solid&fill-color=00f&rot=-45&flip=hv&orient=8&fm=webp&q=60&lossless=1"
        "&chromasub=444&cs=strip&bg=cc00ff00&auto=compress&dl=x.webp&expires=2000000000"
    )
    spec = parse(query)
    g, o, out = spec.geometry, spec.orientation, spec.output
    assert (g.w, g.h, g.dpr) == (Extent(0.5, True), Extent(400), 1.5)
    assert (g.min_w, g.min_h, g.max_w, g.max_h, g.ar) == (10, 20, 3000, 4000, (3.0, 2.0))
    assert g.rect == Rect(Anchor.END, Anchor.END, Extent(0.5, True), Extent(0.5, True))
    assert (g.fit, g.crop, g.focal) == (
        Fit.FILLMAX,
        frozenset({Crop.FOCALPOINT}),
        FocalPoint(0.2, 0.8, 3),
    )
    assert (g.fill, g.fill_color) == (FillMode.SOLID, Color(0, 0, 255))
    assert (o.rot, o.flip, o.orient) == (315.0, Flip.HV, 8)
    assert (out.fm, out.q, out.lossless, out.chromasub, out.cs) == (
        Format.WEBP,
        60,
        True,
        444,
        ColorSpace.STRIP,
    )
    assert (out.bg, out.auto, out.dl) == (
        Color(0, 255, 0, 0xCC),
        frozenset({Auto.COMPRESS}),
        "x.webp",
    )
    assert parse_query(query) == ImgixQuery(spec, expires=2000000000)


def test_every_parameter_is_in_this_file() -> None:
    tested = {query.partition("=")[0] for query, _, _ in ACCEPTED}
    here = [p for p in PARAMETERS if p not in OVERLAY_PARAMETERS]  # test_imgix_overlays.py
    assert {p.name for p in here} <= tested
    assert {alias for p in here for alias in p.aliases} <= tested


CLIENT_PARAMS = {
    "w": 320,
    "dpr": 2,
    "auto": "format,compress",
    "crop": "top,left",
    "dl": "Futura+Condensed Medium.jpg",
    "bg64": "ff0000",
}


def check_client_spec(spec: RenderSpec) -> None:
    assert spec.geometry.w == Extent(320)
    assert spec.geometry.dpr == 2.0
    assert spec.geometry.crop == {Crop.TOP, Crop.LEFT}
    assert spec.output.auto == {Auto.FORMAT, Auto.COMPRESS}
    assert spec.output.dl == "Futura+Condensed Medium.jpg"
    assert spec.output.bg == Color(255, 0, 0)


def test_urls_built_by_the_imgix_python_client() -> None:
    builder = UrlBuilder("example.imgix.net", sign_key="secret", include_library_param=True)
    url = builder.create_url("photo.jpg", CLIENT_PARAMS)
    check_client_spec(parse(urlsplit(url).query))


@pytest.mark.node
def test_urls_built_by_imgix_js_core() -> None:
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed")
    require((NODE_DIR / "node_modules/@imgix/js-core").is_dir(), "@imgix/js-core is missing")
    script = (
        "const m = require('@imgix/js-core'); const C = m.default || m;"
        "const c = new C({domain: 'example.imgix.net', secureURLToken: 'secret'});"
        f"process.stdout.write(c.buildURL('photo.jpg', {json.dumps(CLIENT_PARAMS)}));"
    )
    built = subprocess.run(
        [str(node), "-e", script], cwd=NODE_DIR, capture_output=True, text=True, timeout=60
    )
    assert built.returncode == 0, built.stderr
    query = urlsplit(built.stdout).query
    assert "ixlib=js-" in query
    assert "&s=" in query
    check_client_spec(parse(query))
