from __future__ import annotations

import hashlib

import pytest

from enlarger.storage import InvalidKeyError, derivative_key, derivatives_prefix, original_key
from enlarger.storage.keys import sha256_of_original

SHA = hashlib.sha256(b"an image").hexdigest()


def test_original_key_is_sharded_by_the_first_six_hex_digits() -> None:
    assert original_key(SHA, "jpg") == f"originals/{SHA[0:2]}/{SHA[2:4]}/{SHA[4:6]}/{SHA}.jpg"


def test_derivative_key_lives_under_the_images_prefix() -> None:
    key = derivative_key(SHA, "thumb", "0123abcd", "webp")
    assert key == f"derivatives/{SHA[0:2]}/{SHA[2:4]}/{SHA[4:6]}/{SHA}/thumb-0123abcd.webp"
    assert key.startswith(derivatives_prefix(SHA) + "/")


def test_sha256_of_original_reads_the_hash_back() -> None:
    assert sha256_of_original(original_key(SHA, "png")) == SHA


@pytest.mark.parametrize(
    "key",
    [
        derivative_key(SHA, "thumb", "0123abcd", "webp"),
        f"originals/00/00/00/{SHA}.jpg",  # shards that do not match the hash
        f"originals/{SHA[0:2]}/{SHA[2:4]}/{SHA[4:6]}/{SHA}",
        "originals/ab/cd/ef/not-a-hash.jpg",
    ],
)
def test_sha256_of_original_is_none_for_other_keys(key: str) -> None:
    assert sha256_of_original(key) is None


@pytest.mark.parametrize(
    ("sha", "ext", "message"),
    [
        (SHA.upper(), "jpg", "invalid sha256"),
        (SHA[:-1], "jpg", "invalid sha256"),
        ("../" + SHA[3:], "jpg", "invalid sha256"),
        (SHA, ".jpg", "invalid extension"),
        (SHA, "JPG", "invalid extension"),
        (SHA, "", "invalid extension"),
        (SHA, "jp/g", "invalid extension"),
    ],
)
def test_original_key_validates_its_inputs(sha: str, ext: str, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        original_key(sha, ext)


@pytest.mark.parametrize(
    ("preset", "spec_hash", "message"),
    [
        ("", "0123abcd", "invalid preset name"),
        ("../thumb", "0123abcd", "invalid preset name"),
        ("a b", "0123abcd", "invalid preset name"),
        ("thumb", "0123", "invalid spec hash"),
        ("thumb", "XYZ0123abcd", "invalid spec hash"),
    ],
)
def test_derivative_key_validates_its_inputs(preset: str, spec_hash: str, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        derivative_key(SHA, preset, spec_hash, "webp")
