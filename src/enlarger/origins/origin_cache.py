"""A bounded local cache of fetched originals: on disk, least recently used out, by bytes.

Each entry is two files named by the SHA-256 of its URL: the body and a small JSON
record of what revalidates it (the origin's ETag and Last-Modified) and when it was
fetched. Writes go to a temporary name and are renamed into place, so a reader (another
process on the same ``data_dir`` included) sees a whole entry or none. The index of
sizes and use order lives in memory, rebuilt from the folder at start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Cached:
    """What is known of a cached original; ``digest`` is the SHA-256 of its bytes."""

    url: str
    size: int
    digest: str
    fetched_at: float
    etag: str | None = None
    last_modified: str | None = None


class OriginCache:
    """Originals under ``folder``, at most ``max_bytes`` of bodies (0 keeps nothing).

    Methods do blocking file I/O: call them from a worker thread.
    """

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self._folder = folder
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self._total = 0
        folder.mkdir(parents=True, exist_ok=True)
        bodies = sorted(folder.glob("*/*.body"), key=lambda p: p.stat().st_atime)
        for body in bodies:
            self._remember(body.stem, body.stat().st_size)

    def lookup(self, url: str) -> Cached | None:
        name = _name(url)
        try:
            record = json.loads(self._path(name, "json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        with self._lock:
            if name in self._sizes:
                self._sizes.move_to_end(name)
        return Cached(**record)

    def read(self, cached: Cached) -> bytes | None:
        """The body, or None when it was evicted or replaced since ``lookup``."""
        try:
            data = self._path(_name(cached.url), "body").read_bytes()
        except OSError:
            return None
        return data if len(data) == cached.size else None

    def put(self, url: str, data: bytes, etag: str | None, last_modified: str | None) -> Cached:
        digest = hashlib.sha256(data).hexdigest()
        cached = Cached(url, len(data), digest, time.time(), etag, last_modified)
        if self._max_bytes == 0 or len(data) > self._max_bytes:
            return cached
        name = _name(url)
        self._path(name, "body").parent.mkdir(exist_ok=True)
        _write(self._path(name, "body"), data)
        self._write_record(name, cached)
        self._remember(name, len(data))
        self._evict()
        return cached

    def revalidated(self, cached: Cached) -> Cached:
        """``cached`` confirmed by the origin (a 304) now: fresh again."""
        renewed = Cached(**{**asdict(cached), "fetched_at": time.time()})
        with contextlib.suppress(OSError):  # evicted meanwhile: the caller still has it
            self._write_record(_name(cached.url), renewed)
        return renewed

    def _write_record(self, name: str, cached: Cached) -> None:
        _write(self._path(name, "json"), json.dumps(asdict(cached)).encode("utf-8"))

    def _path(self, name: str, suffix: str) -> Path:
        return self._folder / name[:2] / f"{name}.{suffix}"

    def _remember(self, name: str, size: int) -> None:
        with self._lock:
            self._total += size - self._sizes.pop(name, 0)
            self._sizes[name] = size

    def _evict(self) -> None:
        while True:
            with self._lock:
                if self._total <= self._max_bytes or not self._sizes:
                    return
                name, size = self._sizes.popitem(last=False)
                self._total -= size
            for suffix in ("json", "body"):
                with contextlib.suppress(OSError):
                    self._path(name, suffix).unlink()


def _name(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
