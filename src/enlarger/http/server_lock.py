"""The renders of a server of several processes (``serve --processes``), seen from each.

Each process admits renders against its share of the pixel budget (``cli/processes.py``),
and one render over that share runs there alone. This lock makes such a render run alone
in the whole server: every other render, in any process, holds it shared once its cost is
settled, and the oversized one holds it exclusively, so it waits for the renders running
elsewhere to end and the others wait for it. Without it each process could run an
oversized render beside the other processes' work: a 24 MP progressive JPEG's decoder
alone holds about 100 MB.

It is two ``flock`` files in the data folder, opened anew for each hold (a lock belongs
to an open file, so two renders of one process compete as two processes do). A render
waiting to hold it exclusively keeps the gate (``.gate``) closed, so new shared holders
wait behind it instead of starving it. The kernel releases both if a holder dies, so a
killed process cannot leave the others waiting. Waits poll, and stop once the render is
cancelled.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

#: the lock's file in the data folder (the gate is beside it).
SERVER_LOCK_FILE = "render.lock"
#: how often a waiting render looks again (and whether its request gave up).
POLL_S = 0.02


class Hold:
    """One render's hold on the lock, until ``release``."""

    def __init__(self, fds: list[int]) -> None:
        self._fds = fds

    def release(self) -> None:
        while self._fds:
            os.close(self._fds.pop())  # closing the file drops its lock


class ServerRenderLock:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._gate = path.with_name(path.name + ".gate")

    def hold(self, exclusive: bool, cancelled: Callable[[], bool]) -> Hold | None:
        """Hold the lock, shared or exclusively; None (holding nothing) once
        ``cancelled()`` says the render stops while it waits."""
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        gate = self._open(self._gate)
        held = [gate]
        try:
            if _take(gate, mode, cancelled):
                lock = self._open(self._path)
                held.append(lock)
                if _take(lock, mode, cancelled):
                    if not exclusive:  # a shared holder passes the gate and leaves it open
                        os.close(held.pop(0))
                    return Hold(held)
        except BaseException:
            Hold(held).release()
            raise
        Hold(held).release()
        return None

    def _open(self, path: Path) -> int:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def _take(fd: int, mode: int, cancelled: Callable[[], bool]) -> bool:
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if cancelled():
                return False
            time.sleep(POLL_S)
        else:
            return True
