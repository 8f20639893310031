"""Process-wide libvips tuning for a server that renders many images at once.

Parallelism comes from the render pool (one request per thread), so each render gets
one libvips worker: on a small machine, pool threads times libvips workers (plus the
AVIF encoder's threads) would oversubscribe the cores. libvips worker threads also make
glibc open a malloc arena each, and those arenas keep freed memory; capping them bounds
a long-running process's memory at a small cost in allocator contention. glibc also
raises its mmap threshold as large blocks are freed (up to 32 MB), after which a render's
buffers come from the arenas and stay resident; fixing the threshold keeps every large
buffer in its own mapping, returned to the system when the render frees it. What a large
render leaves free inside the arenas (its many small blocks) stays resident until
``release_free_memory`` hands it back: about 30 MB after a 24 MP render (benchmarks/MEMORY.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable
from typing import Any

import pyvips

#: glibc's mallopt parameters: the most arenas a process may use; the size from which a
#: block is its own mapping.
_M_ARENA_MAX = -8
_M_MMAP_THRESHOLD = -3
_M_TRIM_THRESHOLD = -1


def configure(
    concurrency: int, malloc_arenas: int, mmap_threshold: int = 0, trim_threshold: int = 0
) -> None:
    """Set libvips' threads per operation (0: libvips' default), glibc's arena cap, its
    mmap threshold and its trim threshold in bytes (0: glibc's own)."""
    if concurrency > 0:
        pyvips.concurrency_set(concurrency)
    if malloc_arenas > 0:
        _mallopt(_M_ARENA_MAX, malloc_arenas)
    if mmap_threshold > 0:
        _mallopt(_M_MMAP_THRESHOLD, mmap_threshold)
    if trim_threshold > 0:
        _mallopt(_M_TRIM_THRESHOLD, trim_threshold)


def release_free_memory(keep_bytes: int) -> None:
    """Return the free pages inside glibc's arenas to the system (``malloc_trim``, well
    under a millisecond) once more than ``keep_bytes`` lie free there. Not after every
    render of a common size: the next one would fault its pages in again (about 1,700 more
    page faults, 3-4 ms, for a 25 ms render of a 2 MP photo)."""
    trim = _glibc("malloc_trim")
    if trim is None:
        return
    if keep_bytes == 0:  # no need to count first: counting costs as much as a trim
        trim(0)
        return
    free = _free_in_arenas()
    if free is not None and free > keep_bytes:  # unknown: only large jobs trim
        trim(0)


#: glibc's ``struct mallinfo2``: ten ``size_t`` counters.
_MALLINFO2_FIELDS = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2_FIELDS.split()]


def _free_in_arenas() -> int | None:
    """Bytes free inside glibc's arenas (``mallinfo2``, glibc 2.33+); None if unknown."""
    mallinfo2 = _glibc("mallinfo2", _MallInfo2)
    if mallinfo2 is None:
        return None
    info: _MallInfo2 = mallinfo2()
    return int(info.fordblks)


def _mallopt(parameter: int, value: int) -> None:
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(parameter, value)


@functools.cache
def _glibc(function: str, restype: type[Any] = ctypes.c_int) -> Callable[..., Any] | None:
    """``function`` of glibc, returning ``restype``; None on other C libraries, which
    manage memory their own way."""
    found = getattr(_libc(), function, None)
    if found is not None:
        found.restype = restype
    return found


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, looked up once (``find_library`` runs ``ldconfig``)."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def library_versions() -> dict[str, str]:
    """pyvips' version and the libvips it runs on (for ``enlarger --version``)."""
    libvips = ".".join(str(pyvips.version(part)) for part in range(3))
    return {"pyvips": pyvips.__version__, "libvips": libvips}
