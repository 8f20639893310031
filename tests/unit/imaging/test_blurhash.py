from __future__ import annotations

import pytest

from enlarger.imaging.blurhash import encode

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def _decode83(text: str) -> int:
    value = 0
    for char in text:
        value = value * 83 + DIGITS.index(char)
    return value


def _ac(blurhash: str, index: int) -> tuple[int, int, int]:
    value = _decode83(blurhash[6 + 2 * index : 8 + 2 * index])
    return value // 361, value // 19 % 19, value % 19


def test_dc_is_the_mean_colour_and_the_size_flag_counts_components() -> None:
    blurhash = encode(bytes((200, 100, 50)) * 64, 8, 8)
    assert blurhash[0] == "L"  # (4 - 1) + (3 - 1) * 9 = 21
    assert _decode83(blurhash[2:6]) == (200 << 16) + (100 << 8) + 50
    assert len(blurhash) == 28


def test_grey_images_have_grey_components() -> None:
    width, height = 16, 4
    rgb = bytes(v for _y in range(height) for x in range(width) for v in (x * 17,) * 3)
    blurhash = encode(rgb, width, height)
    for index in range(11):
        red, green, blue = _ac(blurhash, index)
        assert red == green == blue


def test_a_red_left_blue_right_split_shows_in_the_first_horizontal_component() -> None:
    width, height = 8, 8
    rgb = bytes(
        v
        for _y in range(height)
        for x in range(width)
        for v in ((255, 0, 0) if x < 4 else (0, 0, 255))
    )
    red, _green, blue = _ac(encode(rgb, width, height), 0)
    # the basis is +1 on the left, -1 on the right: red positive, blue negative
    assert red > 9 > blue
    assert _decode83(encode(rgb, width, height)[2:6]) >> 8 & 0xFF == 0  # no green at all


def test_component_counts_set_the_size_flag_and_length() -> None:
    blurhash = encode(bytes(range(48)), 4, 4, x_components=9, y_components=1)
    assert _decode83(blurhash[0]) == 8
    assert len(blurhash) == 6 + 2 * 8


def test_rejects_mismatched_buffers_and_component_counts() -> None:
    with pytest.raises(ValueError, match="packed RGB"):
        encode(b"\x00" * 5, 2, 1)
    with pytest.raises(ValueError, match="1 to 9"):
        encode(b"\x00" * 3, 1, 1, x_components=10)
