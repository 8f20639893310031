"""Presets: named imgix queries made ahead of time for every upload.

They are parsed once, at start-up (a bad preset fails the boot, not a job); the parsed
``RenderSpec``s are kept (``Services.preset_specs``, ``JobContext.presets``) and the
convert job renders those. Each derivative's key carries a hash of its canonical spec,
so changing a preset's parameters gives new keys instead of silently serving stale
derivatives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from enlarger.errors import ConfigError, InvalidParameter
from enlarger.imaging import writable_formats
from enlarger.spec.imgix import parse
from enlarger.spec.model import RenderSpec
from enlarger.storage.keys import derivative_key
from enlarger.storage.protocol import InvalidKeyError

#: preset name -> its parsed spec, in the order the presets were configured.
PresetSpecs = Mapping[str, RenderSpec]
#: hex digits of sha256(canonical spec) in derivative keys.
SPEC_HASH_LENGTH = 16


def validate_presets(presets: Mapping[str, str]) -> dict[str, RenderSpec]:
    """Parse every preset; ``ConfigError`` naming the first bad one."""
    writable = writable_formats()
    specs = {}
    for name, query in presets.items():
        try:
            derivative_key("0" * 64, name, "0" * SPEC_HASH_LENGTH, "jpg")
        except InvalidKeyError as exc:
            raise ConfigError(f"preset {name!r}: bad name: {exc}", preset=name) from exc
        try:
            specs[name] = parse(query, writable)
        except InvalidParameter as exc:
            raise ConfigError(f"preset {name!r}: {exc.message}", preset=name) from exc
    return specs


def spec_hash(canonical_spec: str) -> str:
    return hashlib.sha256(canonical_spec.encode()).hexdigest()[:SPEC_HASH_LENGTH]
