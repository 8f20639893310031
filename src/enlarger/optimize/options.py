"""What a client asks of the optimizer, in Kraken's terms, validated once.

``parse_options`` turns a JSON-like mapping into ``OptimizeOptions`` and raises
``InvalidParameter`` naming the first bad key; the optimizer trusts what it gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from enlarger.errors import InvalidParameter

#: SSIMULACRA2 90: "visually lossless" on the metric's own scale (no difference in a
#: flicker test at 1:1); 80 is "very high", 70 "high" quality.
VISUALLY_LOSSLESS = 90.0
META_NAMES = ("date", "copyright", "geotag", "orientation", "profile")
SAMPLING_SCHEMES = ("4:2:0", "4:2:2", "4:4:4")


class OutputFormat(StrEnum):
    """``SAME`` keeps the input's format; ``AUTO`` picks the smallest that meets the target."""

    SAME = "same"
    AUTO = "auto"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    AVIF = "avif"
    GIF = "gif"


@dataclass(frozen=True, slots=True)
class OptimizeOptions:
    """``quality`` fixes the encoder quality (no search); otherwise the lossy search aims
    at SSIMULACRA2 ``target``. ``format`` other than ``SAME`` implies a re-encode."""

    lossy: bool = False
    quality: int | None = None
    target: float = VISUALLY_LOSSLESS
    format: OutputFormat = OutputFormat.SAME
    preserve_meta: frozenset[str] = frozenset()
    auto_orient: bool = False
    sampling_scheme: str = "4:2:0"
    gif_timeout_s: float = 20.0


_ALIASES = {"jpg": "jpeg", "pjpg": "jpeg"}
_KEYS = frozenset(
    {
        "lossy",
        "quality",
        "target",
        "format",
        "convert",
        "webp",
        "preserve_meta",
        "auto_orient",
        "sampling_scheme",
    }
)


def parse_options(raw: Mapping[str, Any]) -> OptimizeOptions:
    """Kraken-style options: ``lossy``, ``quality`` (1-100), ``target`` (SSIMULACRA2 30-100),
    ``convert: {"format": ...}`` or ``format`` (incl. ``auto``), ``webp: true``,
    ``preserve_meta`` (list of names), ``auto_orient``, ``sampling_scheme``."""
    for key in raw:
        if key not in _KEYS:
            raise InvalidParameter(key, f"one of {', '.join(sorted(_KEYS))}", str(key))
    return OptimizeOptions(
        lossy=_bool(raw, "lossy"),
        quality=_quality(raw.get("quality")),
        target=_target(raw.get("target", VISUALLY_LOSSLESS)),
        format=_format(raw),
        preserve_meta=_meta(raw.get("preserve_meta", [])),
        auto_orient=_bool(raw, "auto_orient"),
        sampling_scheme=_choice(raw, "sampling_scheme", SAMPLING_SCHEMES, "4:2:0"),
    )


def _bool(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise InvalidParameter(key, "true or false", str(value))
    return value


def _quality(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise InvalidParameter("quality", "an integer from 1 to 100", str(value))
    return value


def _target(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 30 <= value <= 100:
        raise InvalidParameter("target", "a SSIMULACRA2 score from 30 to 100", str(value))
    return float(value)


def _format(raw: Mapping[str, Any]) -> OutputFormat:
    given: Any = OutputFormat.SAME.value
    if "format" in raw:
        given = raw["format"]
    if "convert" in raw:
        convert = raw["convert"]
        if not isinstance(convert, Mapping) or "format" not in convert:
            raise InvalidParameter("convert", 'an object {"format": ...}', str(convert))
        given = convert["format"]
    if raw.get("webp") is True:
        given = OutputFormat.WEBP.value
    elif "webp" in raw and raw["webp"] is not False:
        raise InvalidParameter("webp", "true or false", str(raw["webp"]))
    name = _ALIASES.get(str(given).lower(), str(given).lower())
    try:
        return OutputFormat(name)
    except ValueError:
        names = ", ".join(f.value for f in OutputFormat)
        raise InvalidParameter("format", f"one of {names}", str(given)) from None


def _meta(value: Any) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidParameter("preserve_meta", "a list of names", str(value))
    for name in value:
        if name not in META_NAMES:
            raise InvalidParameter(
                "preserve_meta", f"names from {', '.join(META_NAMES)}", str(name)
            )
    return frozenset(value)


def _choice(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise InvalidParameter(key, f"one of {', '.join(allowed)}", str(value))
    return str(value)
