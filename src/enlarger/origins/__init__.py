"""Where originals come from: the ``Origin`` protocol and its implementations.

``local.WebFolder`` serves a folder by relative path (imgix's web-folder source); the
object-store origin for uploaded images implements the same protocol.
"""

from enlarger.origins.base import Origin, Source

__all__ = ["Origin", "Source"]
