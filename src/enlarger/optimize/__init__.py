"""The optimizer: smaller bytes for an image, lossless or to a perceptual target.

``optimize(data, options) -> Optimized``; options parsed by ``parse_options`` (Kraken's
names). Pixel work lives in ``enlarger.imaging``; this package decides what to try.
"""

from enlarger.optimize.api import Optimized, optimize
from enlarger.optimize.options import (
    VISUALLY_LOSSLESS,
    OptimizeOptions,
    OutputFormat,
    parse_options,
)

__all__ = [
    "VISUALLY_LOSSLESS",
    "OptimizeOptions",
    "Optimized",
    "OutputFormat",
    "optimize",
    "parse_options",
]
