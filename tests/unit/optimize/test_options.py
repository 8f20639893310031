from __future__ import annotations

from typing import Any

import pytest

from enlarger.errors import InvalidParameter
from enlarger.optimize import VISUALLY_LOSSLESS, OptimizeOptions, OutputFormat, parse_options


def test_defaults_are_lossless_same_format_visually_lossless_target() -> None:
    options = parse_options({})
    assert options == OptimizeOptions()
    assert not options.lossy
    assert options.format is OutputFormat.SAME
    assert options.target == VISUALLY_LOSSLESS
    assert options.preserve_meta == frozenset()


def test_kraken_names_are_read() -> None:
    options = parse_options(
        {
            "lossy": True,
            "quality": 70,
            "convert": {"format": "jpg"},
            "preserve_meta": ["date", "profile"],
            "auto_orient": True,
            "sampling_scheme": "4:4:4",
        }
    )
    assert options.lossy
    assert options.quality == 70
    assert options.format is OutputFormat.JPEG
    assert options.preserve_meta == {"date", "profile"}
    assert options.auto_orient
    assert options.sampling_scheme == "4:4:4"
    assert parse_options({"webp": True}).format is OutputFormat.WEBP
    assert parse_options({"format": "auto"}).format is OutputFormat.AUTO


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        ({"lossy": "yes"}, "lossy"),
        ({"quality": 0}, "quality"),
        ({"quality": 101}, "quality"),
        ({"quality": 80.5}, "quality"),
        ({"target": 120}, "target"),
        ({"format": "bmp"}, "format"),
        ({"convert": "png"}, "convert"),
        ({"preserve_meta": ["camera"]}, "preserve_meta"),
        ({"preserve_meta": "date"}, "preserve_meta"),
        ({"sampling_scheme": "4:1:1"}, "sampling_scheme"),
        ({"resize": {"width": 10}}, "resize"),
    ],
)
def test_bad_values_name_the_parameter(raw: dict[str, Any], parameter: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_options(raw)
    assert raised.value.details["parameter"] == parameter
    assert raised.value.status == 400
