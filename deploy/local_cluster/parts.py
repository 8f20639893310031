"""The cluster's processes: started detached with a log each, known by PID and start time
(so a PID the kernel has since given to another program is never signalled), stopped by PID."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

STOP_TIMEOUT_S = 20.0


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    """One running process of the cluster; ``port`` is 0 for those that serve none."""

    name: str
    pid: int
    started: int  # the process's start time in clock ticks after boot (/proc/PID/stat)
    command: tuple[str, ...]
    log: str
    port: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "command": list(self.command)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Part:
        return cls(**{**data, "command": tuple(data["command"])})

    def alive(self) -> bool:
        """Running, and still the process that was started (not a reused PID, no zombie)."""
        stat = _stat(self.pid)
        return stat is not None and stat[0] != "Z" and int(stat[19]) == self.started


def launch(
    name: str, command: Sequence[str], env: Mapping[str, str], log: Path, port: int = 0
) -> Part:
    """Start ``command`` in a session of its own (it outlives this program), output to ``log``."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(command),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stat = _stat(process.pid)
    started = int(stat[19]) if stat is not None else 0
    return Part(name, process.pid, started, tuple(command), str(log), port)


def stop(part: Part, signum: int = signal.SIGTERM, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Send ``signum`` and wait until the process is gone; SIGKILL it if it outlasts
    ``timeout_s``. Nothing is sent to a process that is no longer the one started."""
    if not part.alive():
        return
    os.kill(part.pid, signum)
    deadline = time.monotonic() + timeout_s
    while part.alive():
        if time.monotonic() > deadline:
            os.kill(part.pid, signal.SIGKILL)
            deadline = time.monotonic() + timeout_s
        time.sleep(0.05)
        _reap(part.pid)


def _reap(pid: int) -> None:
    """Collect the exit status when the process is this program's own child."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (state first), or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return raw[raw.rindex(")") + 2 :].split()
