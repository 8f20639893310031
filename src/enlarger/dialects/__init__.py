"""URL dialects: how a request's raw path and query become a signed, checked render.

``base.Dialect`` is the seam the render route (``http/render.py``) depends on;
``imgix.ImgixDialect`` and ``thumbor.ThumborDialect`` implement it. A dialect verifies the request's
signature over the bytes as received, then parses them into a ``DialectRequest``.
"""

from enlarger.dialects.base import Dialect, DialectRequest
from enlarger.dialects.imgix import ImgixDialect
from enlarger.dialects.thumbor import ThumborDialect

__all__ = ["Dialect", "DialectRequest", "ImgixDialect", "ThumborDialect"]
