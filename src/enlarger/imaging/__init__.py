"""Everything that touches pixels. The only package that imports pyvips.

Public API: ``probe(data) -> SourceFacts`` reads a header without decoding;
``check_pixels(facts, limit)`` refuses sources over the pixel limit;
``render(data | Sources, spec, accepted, options) -> Rendered`` runs the whole pipeline
(``Sources``: the main source plus the extras a spec names, such as a watermark);
``read_exif_tags(data) -> ExifTags`` reads the EXIF block from the header;
``decode_preview(data, facts, side) -> Pixels`` decodes once, shrunk on load, into small sRGB
pixels (upload validation); ``writable_formats`` says what this libvips can encode.
The optimizer's pixel work: ``decode_source``, ``encode_lossy``/``encode_lossless``,
``perceptual_score`` (SSIMULACRA2) and ``optimize_lossless`` (no decode for JPEG).
HEIC sources are read by pillow-heif inside these (``heic.py``): libvips here has no HEVC
decoder.

libvips' operation cache is switched off here, once, on import: renders never repeat
an operation on the same input, and the cache would only hold memory and file handles.
"""

import pyvips

from enlarger.imaging.api import (
    Pixels,
    Rendered,
    RenderOptions,
    Sources,
    check_pixels,
    decode_preview,
    render,
)
from enlarger.imaging.exif import ExifTags, read_exif_tags
from enlarger.imaging.formats import writable_formats
from enlarger.imaging.lossless import Lossless, optimize_lossless
from enlarger.imaging.optimize_encode import encode_lossless, encode_lossy
from enlarger.imaging.optimize_encode import score as perceptual_score
from enlarger.imaging.optimize_source import Source, decode_source
from enlarger.imaging.pipeline import StepClock
from enlarger.imaging.probe import probe
from enlarger.imaging.savers import Effort

pyvips.cache_set_max(0)
pyvips.cache_set_max_mem(0)
pyvips.cache_set_max_files(0)

__all__ = [
    "Effort",
    "ExifTags",
    "Lossless",
    "Pixels",
    "RenderOptions",
    "Rendered",
    "Source",
    "Sources",
    "StepClock",
    "check_pixels",
    "decode_preview",
    "decode_source",
    "encode_lossless",
    "encode_lossy",
    "optimize_lossless",
    "perceptual_score",
    "probe",
    "read_exif_tags",
    "render",
    "writable_formats",
]
