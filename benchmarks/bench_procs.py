"""Server processes under test: start, wait until they answer, stop; CPU and peak RSS from /proc.

CPU is read from ``/proc/<pid>/stat`` (utime + stime) summed over the whole process tree, so
forked workers and every thread count. Peak RSS is ``VmHWM`` of each process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """``root`` and all its living descendants."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of ``pids`` (all their threads)."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


@dataclass
class ServerProcess:
    """A server under test, started as its own process group."""

    name: str
    argv: Sequence[str]
    port: int
    cwd: Path
    env: Mapping[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def wait_listening(self, timeout_s: float) -> None:
        """Wait until the port accepts connections; fail with the log if the server dies."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def tree(self) -> list[int]:
        return process_tree(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.tree())

    def peak_rss_mb(self) -> tuple[float, ...]:
        return tuple(peak_rss_mb(pid) for pid in self.tree())

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class ServerGroup:
    """One engine's server instances, measured together as that engine."""

    name: str
    members: Sequence[ServerProcess]

    @property
    def ports(self) -> list[int]:
        return [m.port for m in self.members]

    def start(self) -> None:
        for member in self.members:
            member.start()

    def wait_listening(self, timeout_s: float) -> None:
        for member in self.members:
            member.wait_listening(timeout_s)

    def stop(self) -> None:
        for member in self.members:
            member.stop()

    def cpu_seconds(self) -> float:
        return sum(m.cpu_seconds() for m in self.members)

    def peak_rss_mb(self) -> tuple[float, ...]:
        return tuple(rss for m in self.members for rss in m.peak_rss_mb())


def _kb_field(path: Path, name: str) -> float:
    """A ``name: N kB`` line of a /proc file, in MB; 0 once the process is gone."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith(name)), 0.0)


def rss_mb(pid: int) -> float:
    """The process's resident set now (VmRSS), MB."""
    return _kb_field(PROC / str(pid) / "status", "VmRSS:")


def pss_mb(pid: int) -> float:
    """The process's proportional set now (its share of every page it maps), MB: summed
    over processes that share pages (libraries, a forked parent's), the memory they use."""
    return _kb_field(PROC / str(pid) / "smaps_rollup", "Pss:")


class TreeRssSampler:
    """Samples the summed resident and proportional sets of a process tree every
    ``interval_s`` in a thread: the whole server's peak, whatever process it is in (a
    per-process VmHWM summed over several processes would add peaks that never happened
    together; summed RSS counts the pages the processes share once per process)."""

    def __init__(self, root: int, interval_s: float = 0.02) -> None:
        self._root = root
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0

    def _run(self) -> None:
        pids = process_tree(self._root)
        while not self._stop.wait(self._interval_s):
            self.peak_mb = max(self.peak_mb, sum(rss_mb(pid) for pid in pids))
            self.peak_pss_mb = max(self.peak_pss_mb, sum(pss_mb(pid) for pid in pids))

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
