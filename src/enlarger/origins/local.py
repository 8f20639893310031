"""A web folder served by relative path, safe against traversal.

The HTTP server has already percent-decoded the path, so ``%2e%2e`` and ``%2f`` arrive
here as ``..`` and ``/``; every segment is checked, then the resolved path (symlinks
followed) must still lie inside the folder. Disk I/O runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import os
import stat as stat_module
from pathlib import Path

from enlarger.errors import NotFound, PayloadTooLarge
from enlarger.origins.base import Source

_FORBIDDEN_SEGMENTS = frozenset({"", ".", ".."})


class WebFolder:
    """Serves regular files under ``root`` up to ``max_bytes`` each."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self._root = root.resolve(strict=True)
        if not self._root.is_dir():
            raise NotADirectoryError(f"{root} is not a directory")
        self._max_bytes = max_bytes

    async def locate(self, path: str) -> Source:
        resolved, info = await asyncio.to_thread(self._checked_stat, path)
        return Source(
            size=info.st_size,
            mtime=info.st_mtime,
            identity=f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}",
            read=functools.partial(asyncio.to_thread, self._read, resolved),
        )

    def _resolve(self, path: str) -> Path:
        """The file for a relative URL path, or ``NotFound`` for anything outside."""
        if "\\" in path or "\x00" in path:
            raise NotFound("no such image")
        segments = path.split("/")
        if any(segment in _FORBIDDEN_SEGMENTS for segment in segments):
            raise NotFound("no such image")
        try:
            resolved = self._root.joinpath(*segments).resolve(strict=True)
        except (OSError, RuntimeError, ValueError) as exc:  # missing, a loop, not encodable
            raise NotFound("no such image") from exc
        if not resolved.is_relative_to(self._root):
            raise NotFound("no such image")
        return resolved

    def _checked_stat(self, path: str) -> tuple[Path, os.stat_result]:
        resolved = self._resolve(path)
        try:
            info = resolved.stat()
        except OSError as exc:
            raise NotFound("no such image") from exc
        if not stat_module.S_ISREG(info.st_mode):
            raise NotFound("no such image")
        if info.st_size > self._max_bytes:
            raise PayloadTooLarge(
                f"the source is {info.st_size} bytes; the limit is {self._max_bytes}",
                limit=self._max_bytes,
            )
        return resolved, info

    def _read(self, resolved: Path) -> bytes:
        try:
            with resolved.open("rb") as fh:
                data = fh.read(self._max_bytes + 1)
        except OSError as exc:
            raise NotFound("no such image") from exc
        if len(data) > self._max_bytes:  # the file grew after stat
            raise PayloadTooLarge(
                f"the source is larger than the limit of {self._max_bytes} bytes",
                limit=self._max_bytes,
            )
        return data
