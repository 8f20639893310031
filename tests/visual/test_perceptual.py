"""The suite's measure itself: CIEDE2000 against Sharma, Wu and Dalal's published test
pairs, and a perceptual hash that ignores encoding but not a change of picture."""

from __future__ import annotations

import numpy as np
import pyvips

from tests.support.images import fixture
from tests.support.perceptual import ciede2000, comparable, difference_image, hamming, phash

#: (L*a*b* 1, L*a*b* 2, ΔE00) rows of the CIEDE2000 paper's test data (Table 1).
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_the_published_test_data() -> None:
    first = np.array([row[0] for row in SHARMA])
    second = np.array([row[1] for row in SHARMA])
    expected = np.array([row[2] for row in SHARMA])
    np.testing.assert_allclose(ciede2000(first, second), expected, atol=1e-4)
    np.testing.assert_allclose(ciede2000(second, first), expected, atol=1e-4)


def photo() -> pyvips.Image:
    return pyvips.Image.new_from_buffer(fixture("skimage_chelsea_225.png"), "").copy_memory()


def test_the_hash_ignores_encoding_and_sees_a_different_picture() -> None:
    original = photo()
    reencoded = pyvips.Image.new_from_buffer(original.webpsave_buffer(Q=60), "")
    assert hamming(phash(original), phash(reencoded)) <= 2
    assert hamming(phash(original), phash(original.fliphor())) > 16
    assert hamming(phash(original), phash(original.crop(0, 0, 112, 75).resize(2))) > 12


def test_transparency_shows_as_a_checkerboard() -> None:
    original = photo()
    clear = original.bandjoin(0)  # fully transparent
    flat = comparable(clear)
    assert (flat.width, flat.height, flat.bands) == (original.width, original.height, 3)
    assert {flat(0, 0)[0], flat(8, 0)[0]} == {102, 153}
    assert hamming(phash(original), phash(clear)) > 16


def test_the_difference_image_is_red_where_the_colour_changed() -> None:
    original = photo()
    changed = original.copy()
    changed = changed.draw_rect([255, 0, 0], 10, 10, 20, 20, fill=True)
    diff = difference_image(changed, original)
    assert (diff.width, diff.height) == (original.width, original.height)
    assert diff(15, 15)[0] == 255
    assert diff(100, 100)[0] < 100
