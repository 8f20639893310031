"""The libvips SSIMULACRA2 agrees with the reference implementation (PyPI ``ssimulacra2``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from enlarger.imaging.ssimulacra2 import score
from tests.support.images import FIXTURES


@pytest.mark.parametrize(
    ("name", "quality"),
    [
        ("skimage_rocket.jpg", 40),
        ("mate_storm_exif6_240.jpg", 85),
        ("plasma_grey_gray_320.jpg", 60),
        ("skimage_chelsea_225.png", 20),
    ],
)
def test_agrees_with_the_reference_within_one_point(
    tmp_path: Path, name: str, quality: int
) -> None:
    reference = pytest.importorskip("ssimulacra2")
    original = pyvips.Image.new_from_file(str(FIXTURES / name))
    if original.width > 320:
        original = original.resize(320 / original.width)
    original = original.cast("uchar")
    original_path, distorted_path = tmp_path / "a.png", tmp_path / "b.jpg"
    original.write_to_file(str(original_path))
    original.jpegsave(str(distorted_path), Q=quality)
    expected = reference.compute_ssimulacra2(str(original_path), str(distorted_path))
    got = score(
        pyvips.Image.new_from_file(str(original_path)),
        pyvips.Image.new_from_file(str(distorted_path)),
    )
    assert abs(got - expected) < 1.0
    assert 0 < got < 100


def test_identical_images_score_100() -> None:
    image = pyvips.Image.new_from_file(str(FIXTURES / "skimage_rocket.jpg"))
    assert score(image, image) == 100.0
