"""Turning libvips failures on client-supplied bytes into the 422 clients see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyvips

from enlarger.errors import UnprocessableImage


@contextmanager
def decode_errors() -> Iterator[None]:
    """Re-raise a libvips error as ``UnprocessableImage``.

    libvips is lazy: a truncated or corrupt source fails wherever pixels are first pulled
    (often inside the encoder), so the whole render runs inside this.
    """
    try:
        yield
    except pyvips.Error as exc:
        raise UnprocessableImage("the image could not be decoded", reason=_reason(exc)) from exc


def _reason(exc: pyvips.Error) -> str:
    """libvips' own explanation: the most specific (last non-empty) line of its message."""
    lines = [line.strip() for line in str(exc.detail or exc.message).splitlines() if line.strip()]
    return lines[-1] if lines else "unknown libvips error"
