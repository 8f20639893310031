"""The ``enlarger`` command as real subprocesses: serve, worker, keys, sync.

Every process gets the environment of the test only (inherited ``ENLARGER_*`` variables are
dropped, so a developer's shell cannot change what a test configures), its stderr in a
log file, and is stopped by its own PID when the test ends.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ENLARGER = Path(sys.executable).parent / "enlarger"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0
_ANNOUNCED = re.compile(r"Enlarger listening on (http://\S+)\n")


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without ``ENLARGER_*``, plus ``env``."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ENLARGER_")}
    return {**inherited, **env}


def run_cli(args: Sequence[str], env: Mapping[str, str], timeout_s: float = 60.0) -> str:
    """Run ``enlarger ARGS`` to completion; its stdout. Fails with stderr on a non-zero exit."""
    done = subprocess.run(
        [str(ENLARGER), *args],
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"enlarger {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


@dataclass
class Running:
    """One started ``enlarger`` process; ``url`` is set for ``serve``."""

    process: subprocess.Popen[str]
    log: Path
    url: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine loses power."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT_S)

    def pause(self) -> None:
        """SIGSTOP: every thread halts where it is, so what it wrote so far holds still."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL if it lingers), then close its stdout pipe."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(args: Sequence[str], env: Mapping[str, str], log: Path) -> Running:
    with log.open("a") as stderr:
        process = subprocess.Popen(
            [str(ENLARGER), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=clean_env(env),
        )
    return Running(process, log)


def wait_announced(running: Running, timeout_s: float = START_TIMEOUT_S) -> str:
    """The URL ``enlarger serve`` prints once its socket listens."""
    stdout = running.process.stdout
    assert stdout is not None
    ready, _, _ = select.select([stdout], [], [], timeout_s)
    line = stdout.readline() if ready else ""
    match = _ANNOUNCED.fullmatch(line)
    if match is None:
        raise AssertionError(
            f"enlarger serve announced no address ({line!r}):\n{running.log_tail()}"
        )
    return match[1]


@contextmanager
def serving(args: Sequence[str], env: Mapping[str, str], log: Path) -> Iterator[Running]:
    """``enlarger serve ARGS`` until the block ends (or the test kills it)."""
    running = start(["serve", *args], env, log)
    try:
        running.url = wait_announced(running)
        yield running
    finally:
        running.stop()


@contextmanager
def working(args: Sequence[str], env: Mapping[str, str], log: Path) -> Iterator[Running]:
    """``enlarger worker ARGS`` until the block ends (or the test kills it)."""
    running = start(["worker", *args], env, log)
    try:
        yield running
    finally:
        running.stop()
