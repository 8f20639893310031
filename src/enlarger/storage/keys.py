"""The key layout of originals and derivatives.

Originals are content addressed and sharded by the first six hex digits of their sha256,
so no folder grows past 256 entries per level::

    originals/ab/cd/ef/<sha256>.<ext>
    derivatives/ab/cd/ef/<sha256>/<preset>-<canonical spec hash>.<ext>
"""

from __future__ import annotations

import re

from enlarger.storage.protocol import InvalidKeyError

ORIGINALS = "originals"
DERIVATIVES = "derivatives"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(r"[a-z0-9]{1,8}")
_PRESET = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")
_SPEC_HASH = re.compile(r"[0-9a-f]{8,64}")
_SHARDS = r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{2})"
_ORIGINAL_KEY = re.compile(rf"{ORIGINALS}/{_SHARDS}/({_SHA256.pattern})\.{_EXT.pattern}")
_DERIVATIVE_KEY = re.compile(rf"{DERIVATIVES}/{_SHARDS}/({_SHA256.pattern})/[^/]+")


def original_key(sha256_hex: str, ext: str) -> str:
    """``originals/ab/cd/ef/<sha256>.<ext>``."""
    return f"{ORIGINALS}/{_shards(sha256_hex)}/{sha256_hex}.{_ext(ext)}"


def derivative_key(sha256_hex: str, preset_name: str, canonical_spec_hash: str, ext: str) -> str:
    """``derivatives/ab/cd/ef/<sha256>/<preset>-<hash>.<ext>``."""
    _check(_PRESET, preset_name, "preset name", "letters, digits, _ and - (at most 64)")
    _check(_SPEC_HASH, canonical_spec_hash, "spec hash", "8 to 64 lowercase hex digits")
    return f"{derivatives_prefix(sha256_hex)}/{preset_name}-{canonical_spec_hash}.{_ext(ext)}"


def derivatives_prefix(sha256_hex: str) -> str:
    """The prefix that lists (or deletes) every derivative of one original."""
    return f"{DERIVATIVES}/{_shards(sha256_hex)}/{sha256_hex}"


def sha256_of_original(key: str) -> str | None:
    """The content hash an original's key promises, or None for any other key."""
    return _sha256_in(_ORIGINAL_KEY, key)


def sha256_of_derivative(key: str) -> str | None:
    """The content hash of the original a derivative's key was made from, or None."""
    return _sha256_in(_DERIVATIVE_KEY, key)


def _sha256_in(pattern: re.Pattern[str], key: str) -> str | None:
    match = pattern.fullmatch(key)
    if match is None or match[1] + match[2] + match[3] != match[4][:6]:
        return None
    return match[4]


def _shards(sha256_hex: str) -> str:
    _check(_SHA256, sha256_hex, "sha256", "64 lowercase hex digits")
    return f"{sha256_hex[0:2]}/{sha256_hex[2:4]}/{sha256_hex[4:6]}"


def _ext(ext: str) -> str:
    _check(_EXT, ext, "extension", "1 to 8 lowercase letters or digits, without a dot")
    return ext


def _check(pattern: re.Pattern[str], value: str, what: str, expected: str) -> None:
    if not pattern.fullmatch(value):
        raise InvalidKeyError(f"invalid {what} {value!r}: expected {expected}")
