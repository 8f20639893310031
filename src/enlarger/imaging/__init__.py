"""Everything that touches pixels. The only package that imports pyvips.

Public API (see ``api.py``): ``probe(data) -> SourceFacts`` reads a header without
decoding; ``render(data, spec, accepted, options) -> Rendered`` runs the whole pipeline;
``check_decodes`` decodes once at a small size (upload validation); ``writable_formats``
says what this libvips can encode.

libvips' operation cache is switched off here, once, on import: renders never repeat
an operation on the same input, and the cache would only hold memory and file handles.
"""

import pyvips

from enlarger.imaging.api import (
    Rendered,
    RenderOptions,
    check_decodes,
    check_pixels,
    probe,
    render,
    writable_formats,
)

pyvips.cache_set_max(0)
pyvips.cache_set_max_mem(0)
pyvips.cache_set_max_files(0)

__all__ = [
    "RenderOptions",
    "Rendered",
    "check_decodes",
    "check_pixels",
    "probe",
    "render",
    "writable_formats",
]
