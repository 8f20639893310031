"""Our imgix table against imgix's own published list (imgix-url-params' parameters.json).

For every parameter we support: the aliases, the allowed values (ours plus the ones we
reject as not supported), the strict ranges and base64 support agree with imgix. Every
imgix parameter we do not support is rejected with a 400 naming it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.imgix import IGNORED, PARAMETERS, parse
from enlarger.spec.imgix_param import Param
from tests.support.services import require

PARAMETERS_JSON = (
    Path(__file__).parents[2] / "node/node_modules/imgix-url-params/dist/parameters.json"
)

#: values we accept that imgix does not list, on purpose.
EXTENSIONS = {"fm": {"jxl"}}
#: imgix's list has no strict range for these; we hold them to the suggested one.
SUGGESTED_IS_STRICT = {
    *("q", "colors", "fps", "loop"),
    *("bri", "con", "exp", "gam", "high", "shad", "hue", "sat", "vib", "sharp", "usm", "usmrad"),
    *("nr", "nrs", "blur", "sepia", "px", "htn"),
    *(f"border-{side}" for side in ("top", "right", "bottom", "left")),
    *("pad", *(f"pad-{side}" for side in ("top", "right", "bottom", "left"))),
    *("trim-tol", "trim-md", "trim-sd", "trim-pad"),
    *("mark-alpha", "mark-pad", "mark-scale", "mark-x", "blend-pad", "blend-x", "blend-y"),
    *("txt-pad", "txt-shad", "txt-width"),
    *("facepad", "faceindex"),
}
#: imgix suggests only a lower bound; ours also has an upper one that bounds the cost.
BOUNDED_FOR_COST = {
    "txt-size": (1, 512),
    "txt-line": (0, 50),
    "txt-lead": (0, 512),
    "txt-track": (-4, 100),
}


@pytest.fixture(scope="module")
def imgix() -> dict[str, Any]:
    require(PARAMETERS_JSON.is_file(), f"imgix-url-params is not installed ({PARAMETERS_JSON})")
    published: dict[str, Any] = json.loads(PARAMETERS_JSON.read_text())
    return published


def expects(imgix: dict[str, Any], name: str, kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        e for e in imgix["parameters"][name]["expects"] if e["type"] == kind
    ]
    assert len(found) == 1, f"{name} expects {kind} {len(found)} times"
    return found[0]


def assert_range(ours: args.Range, theirs: dict[str, Any]) -> None:
    assert (ours.min, ours.max) == (theirs.get("min"), theirs.get("max"))


def by_name(name: str) -> Param:
    (param,) = (p for p in PARAMETERS if p.name == name)
    return param


def test_every_parameter_we_support_is_an_imgix_parameter(imgix: dict[str, Any]) -> None:
    assert {p.name for p in PARAMETERS} <= set(imgix["parameters"])


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.name)
def test_aliases_match(imgix: dict[str, Any], param: Param) -> None:
    published = set(imgix["parameters"][param.name].get("aliases", []))
    published |= {alias for alias, name in imgix["aliases"].items() if name == param.name}
    assert set(param.aliases) == published


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.name)
def test_base64_variants_match(imgix: dict[str, Any], param: Param) -> None:
    assert param.base64 is not imgix["parameters"][param.name].get("disallow_base64", False)


def allowed_values(arg: args.Arg[Any]) -> set[str | int] | None:
    """Every value ``arg`` knows (accepted or rejected as not supported); None if open."""
    if isinstance(arg, args.ChoiceList):
        arg = arg.choice
    if isinstance(arg, args.Choice):
        return {*arg.words, *arg.unsupported}
    if isinstance(arg, args.IntegerChoice):
        return set(arg.values)
    if isinstance(arg, args.FitArg):
        return set(arg.words)
    return None


CHOICES = [p for p in PARAMETERS if allowed_values(p.arg) is not None]
NUMBERS = [
    p for p in PARAMETERS if isinstance(p.arg, args.Integer | args.Number) and p.name != "expires"
]
LENGTHS = [p for p in PARAMETERS if isinstance(p.arg, args.Length)]


@pytest.mark.parametrize("param", CHOICES, ids=lambda p: p.name)
def test_allowed_values_match(imgix: dict[str, Any], param: Param) -> None:
    (published,) = (
        e["possible_values"]
        for e in imgix["parameters"][param.name]["expects"]
        if "possible_values" in e
    )
    ours = allowed_values(param.arg) or set()
    assert ours - EXTENSIONS.get(param.name, set()) == set(published)


@pytest.mark.parametrize("param", NUMBERS, ids=lambda p: p.name)
def test_ranges_match(imgix: dict[str, Any], param: Param) -> None:
    assert isinstance(param.arg, args.Integer | args.Number)
    (published,) = imgix["parameters"][param.name]["expects"]
    assert isinstance(param.arg, args.Integer) is (published["type"] == "integer")
    if param.name in BOUNDED_FOR_COST:
        low, high = BOUNDED_FOR_COST[param.name]
        assert published["suggested_range"]["min"] <= low
        assert (param.arg.range.min, param.arg.range.max) == (low, high)
        return
    key = "suggested_range" if param.name in SUGGESTED_IS_STRICT else "strict_range"
    assert_range(param.arg.range, published[key])


@pytest.mark.parametrize("param", LENGTHS, ids=lambda p: p.name)
def test_pixel_and_fraction_ranges_match(imgix: dict[str, Any], param: Param) -> None:
    assert isinstance(param.arg, args.Length)
    assert_range(param.arg.pixels, expects(imgix, param.name, "integer")["strict_range"])
    assert_range(param.arg.fraction, expects(imgix, param.name, "unit_scalar")["strict_range"])


def test_value_types_match(imgix: dict[str, Any]) -> None:
    kinds = {
        "ar": (args.Ratio, "ratio"),
        "rect": (args.RectArg, "list"),
        "rot": (args.Angle, "number"),
        "lossless": (args.Boolean, "boolean"),
        "fill-color": (args.ColorArg, "hex_color"),
        "bg": (args.ColorArg, "hex_color"),
        "dl": (args.Filename, "string"),
        "expires": (args.Integer, "timestamp"),
    }
    kinds |= {
        "invert": (args.Boolean, "boolean"),
        "monochrome": (args.ColorArg, "hex_color"),
        "mask-bg": (args.ColorArg, "hex_color"),
        "trim-color": (args.ColorArg, "hex_color"),
        "duotone": (args.Pair, "list"),
        "border": (args.Pair, "list"),
        "border-radius": (args.CornersArg, "list"),
        "border-radius-inner": (args.CornersArg, "list"),
        "corner-radius": (args.CornersArg, "list"),
    }
    for name, (arg_type, kind) in kinds.items():
        assert isinstance(by_name(name).arg, arg_type), name
        expects(imgix, name, kind)


def test_colour_keywords_match(imgix: dict[str, Any]) -> None:
    for name in ("bg", "fill-color"):
        arg = by_name(name).arg
        assert isinstance(arg, args.ColorArg)
        expects(imgix, name, "color_keyword")
        assert arg.keywords == set(imgix["colorKeywordValues"])


def test_rect_parts_match(imgix: dict[str, Any]) -> None:
    rect = by_name("rect").arg
    assert isinstance(rect, args.RectArg)
    parts = expects(imgix, "rect", "list")
    assert parts["length"] == 4
    for index, position in ((0, rect.x), (1, rect.y)):
        by_kind = {e["type"]: e for e in parts[str(index)]}
        assert set(position.anchors) == set(by_kind["string"]["possible_values"])
        assert_range(position.length.pixels, by_kind["integer"]["strict_range"])
        assert_range(position.length.fraction, by_kind["unit_scalar"]["strict_range"])
    for index in (2, 3):
        (integer,) = parts[str(index)]
        assert integer["type"] == "integer"
        assert_range(rect.size.pixels, integer["strict_range"])


def test_every_other_imgix_parameter_is_rejected_by_name(imgix: dict[str, Any]) -> None:
    supported = {name for p in PARAMETERS for name in (p.name, *p.aliases)} | IGNORED
    # imgix lists one alias with "=" in it ("video-generate=vtt"): no query name can be that
    others = {
        name
        for name in set(imgix["parameters"]) | set(imgix["aliases"])
        if "=" not in name and name not in supported
    }
    assert len(others) > 50  # the published list was read (98 names left unsupported)
    for name in sorted(others):
        with pytest.raises(InvalidParameter) as caught:
            parse(f"{name}=1")
        assert caught.value.details["parameter"] == name
