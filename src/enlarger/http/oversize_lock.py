"""One oversized render at a time in a server of several processes (``serve --processes``).

Each process admits renders against its share of the pixel budget (``cli/processes.py``),
and one render over that share runs there alone. Without this lock every process could
run one at once: two 24 MP progressive JPEGs, about 100 MB each, side by side. The lock
is an exclusive ``flock`` on a file in the data folder, taken by the render's thread once
its cost is known; the kernel releases it if its holder dies, so a killed process cannot
leave the others waiting.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: the lock's file in the data folder.
OVERSIZE_LOCK_FILE = "render.lock"
#: how often a thread waiting for the lock looks again (and whether its request gave up).
POLL_S = 0.05


class OversizeLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._opening = threading.Lock()

    def acquire(self, cancelled: Callable[[], bool]) -> bool:
        """Wait for the lock; False (without it) once ``cancelled()`` says the render stops."""
        fd = self._file()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if cancelled():
                    return False
                time.sleep(POLL_S)
            else:
                return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _file(self) -> int:
        """The lock file, opened by this process on first use: a descriptor inherited
        across a fork would share one lock with the parent instead of competing for it."""
        with self._opening:
            if self._fd is None:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            return self._fd
