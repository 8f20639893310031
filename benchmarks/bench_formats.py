"""The output formats of the benchmark matrix and how each engine asks for them.

The raw pyvips saver options copy Enlarger's defaults (``imaging/savers.py``, ``Effort``):
metadata stripped, JPEG without Huffman optimisation, PNG zlib level 2 with the sub
filter, WebP effort 2, AVIF effort 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: libvips AVIF effort Enlarger uses for live renders (``RenderSettings.avif_effort``).
AVIF_EFFORT = 1
#: zlib level and filter Enlarger writes PNG with (``RenderSettings.png_compression``).
PNG_COMPRESSION = 2
PNG_FILTER = "sub"
WEBP_EFFORT = 2


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """One column of the matrix: the same output asked of every engine."""

    name: str
    #: imgix query parameters after ``w=..&h=..&fit=max``.
    imgix_query: str
    #: thumbor filters segment.
    thumbor_filters: str
    #: the libvips saver suffix and options for the raw pyvips baseline.
    vips_suffix: str
    vips_options: dict[str, Any]
    #: the ``vips-loader`` a response must be read back with.
    vips_loader: str


JPEG = OutputFormat(
    name="jpeg",
    imgix_query="fm=jpg&q=80",
    thumbor_filters="filters:format(jpeg):quality(80)",
    vips_suffix=".jpg",
    vips_options={"Q": 80, "optimize_coding": True, "keep": "none"},
    vips_loader="jpegload_buffer",
)
PNG = OutputFormat(
    name="png",
    imgix_query="fm=png",
    thumbor_filters="filters:format(png)",
    vips_suffix=".png",
    vips_options={"compression": PNG_COMPRESSION, "filter": PNG_FILTER, "keep": "none"},
    vips_loader="pngload_buffer",
)
WEBP = OutputFormat(
    name="webp",
    imgix_query="fm=webp&q=75",
    thumbor_filters="filters:format(webp):quality(75)",
    vips_suffix=".webp",
    vips_options={"Q": 75, "effort": WEBP_EFFORT, "keep": "none"},
    vips_loader="webpload_buffer",
)
AVIF = OutputFormat(
    name="avif",
    imgix_query="fm=avif&q=65",
    thumbor_filters="filters:format(avif):quality(65)",
    vips_suffix=".avif",
    vips_options={"Q": 65, "effort": AVIF_EFFORT, "compression": "av1", "keep": "none"},
    vips_loader="heifload_buffer",
)

FORMATS_BY_NAME = {f.name: f for f in (JPEG, PNG, WEBP, AVIF)}
