"""Process-wide libvips tuning for a server that renders many images at once.

Parallelism comes from the render pool (one request per thread), so each render gets
one libvips worker: on a small machine, pool threads times libvips workers (plus the
AVIF encoder's threads) would oversubscribe the cores. libvips worker threads also make
glibc open a malloc arena each, and those arenas keep freed memory; capping them bounds
a long-running process's memory at a small cost in allocator contention.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyvips

#: glibc's mallopt parameter for the most arenas a process may use.
_M_ARENA_MAX = -8


def configure(concurrency: int, malloc_arenas: int) -> None:
    """Set libvips' threads per operation (0: libvips' default) and glibc's arena cap (0: none)."""
    if concurrency > 0:
        pyvips.concurrency_set(concurrency)
    if malloc_arenas > 0:
        _cap_malloc_arenas(malloc_arenas)


def _cap_malloc_arenas(arenas: int) -> None:
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None:  # glibc only; other C libraries manage memory their own way
        mallopt(_M_ARENA_MAX, arenas)


def library_versions() -> dict[str, str]:
    """pyvips' version and the libvips it runs on (for ``enlarger --version``)."""
    libvips = ".".join(str(pyvips.version(part)) for part in range(3))
    return {"pyvips": pyvips.__version__, "libvips": libvips}
