"""``RenderSpec`` -> one deterministic imgix query string (ETags, cache and derivative keys).

Only values that differ from the defaults are written, in the fixed order of
``imgix.PARAMETERS``, under their main names, so equal specs give equal strings and
``imgix.parse(canonical(spec)) == spec``. Two spellings of one request (``width=`` or
``w=``, ``crop=left,top`` or ``crop=top,left``, ``rot=-90`` or ``rot=270``) share a key.
"""

from __future__ import annotations

from urllib.parse import quote

from enlarger.spec.imgix import PARAMETERS, value_at
from enlarger.spec.model import RenderSpec

_DEFAULT = RenderSpec()


def canonical(spec: RenderSpec) -> str:
    """The canonical imgix query string of ``spec`` (empty for the default spec)."""
    pairs = []
    for param in PARAMETERS:
        value = value_at(spec, param)
        if value != value_at(_DEFAULT, param):
            pairs.append(f"{param.name}={quote(param.arg.format(value), safe=',:')}")
    return "&".join(pairs)
