"""Kraken request parsing: delivery, resizes as render specs, s3_store, errors."""

from __future__ import annotations

from typing import Any

import pytest

from enlarger.errors import InvalidParameter
from enlarger.optimize.options import OutputFormat
from enlarger.optimize.request import parse_request, safe_file_name, stored_options
from enlarger.spec.model import Crop, Extent, FillMode, Fit, Format


def test_options_and_delivery() -> None:
    request = parse_request(
        {"wait": True, "lossy": True, "convert": {"format": "webp", "keep_extension": True}}
    )
    assert request.wait
    assert request.callback_url is None
    assert request.options.lossy
    assert request.options.format is OutputFormat.WEBP
    assert request.keep_extension


@pytest.mark.parametrize(
    ("strategy", "extra", "fit", "w", "h", "crop"),
    [
        ("exact", {"width": 100, "height": 50}, Fit.SCALE, 100, 50, frozenset()),
        ("landscape", {"width": 100}, Fit.CLIP, 100, None, frozenset()),
        ("portrait", {"height": 80}, Fit.CLIP, None, 80, frozenset()),
        (
            "crop",
            {"width": 9, "height": 9, "gravity": "ne"},
            Fit.CROP,
            9,
            9,
            frozenset({Crop.TOP, Crop.RIGHT}),
        ),
        ("square", {"size": 64}, Fit.CROP, 64, 64, frozenset()),
    ],
)
def test_resize_strategies_become_render_specs(
    strategy: str, extra: dict[str, Any], fit: Fit, w: int | None, h: int | None, crop: object
) -> None:
    request = parse_request({"wait": True, "resize": {"strategy": strategy, **extra}})
    spec = request.resizes[0].render_spec(400, 300)
    assert not request.resize_set
    assert spec.geometry.fit is fit
    assert spec.geometry.w == (None if w is None else Extent(w))
    assert spec.geometry.h == (None if h is None else Extent(h))
    assert spec.geometry.crop == crop
    assert spec.output.fm is Format.PNG


def test_auto_follows_the_source_shape_and_fill_uses_background() -> None:
    (auto, fill), is_set = _resizes(
        [
            {"id": "a", "strategy": "auto", "width": 100, "height": 100},
            {"id": "f", "strategy": "fill", "width": 10, "height": 10, "background": "#00ff00"},
        ]
    )
    assert is_set
    assert auto.render_spec(300, 400).geometry.h == Extent(100)
    assert auto.render_spec(300, 400).geometry.w is None
    geometry = fill.render_spec(300, 400).geometry
    assert geometry.fill is FillMode.SOLID
    assert (geometry.fill_color.r, geometry.fill_color.g) == (0, 255)


def _resizes(raw: list[dict[str, Any]]) -> tuple[Any, bool]:
    request = parse_request({"wait": True, "resize": raw})
    return request.resizes, request.resize_set


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        ({}, "wait"),
        ({"wait": True, "callback_url": "http://x/"}, "wait"),
        (
            {
                "wait": True,
                "resize": [{"id": str(n), "size": 5, "strategy": "square"} for n in range(11)],
            },
            "resize",
        ),
        ({"wait": True, "resize": {"strategy": "sideways"}}, "resize.strategy"),
        ({"wait": True, "convert": {"format": "png", "colour": 1}}, "convert.colour"),
        ({"wait": True, "s3_store": {"key": "k", "bucket": "b"}}, "s3_store.secret"),
        (
            {"callback_url": "http://x/", "s3_store": {"key": "k", "secret": "s", "bucket": "b"}},
            "s3_store",
        ),
    ],
)
def test_bad_requests_name_the_parameter(raw: dict[str, Any], parameter: str) -> None:
    with pytest.raises(InvalidParameter) as failed:
        parse_request(raw)
    assert failed.value.details["parameter"] == parameter


def test_secrets_are_not_shown_or_stored() -> None:
    raw = {
        "wait": True,
        "auth": {"api_secret": "x"},
        "s3_store": {"key": "AKIA", "secret": "shh", "bucket": "b"},
    }
    request = parse_request(raw)
    assert "shh" not in repr(request)
    assert "AKIA" not in repr(request)
    assert "auth" not in stored_options(raw)


def test_safe_file_name() -> None:
    assert safe_file_name("/a/b/My Photo (1).JPG") == "My-Photo-1-.JPG"
    assert safe_file_name("../..") == "image"
    assert safe_file_name(None) == "image"
