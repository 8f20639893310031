"""``enlarger serve --processes 2`` as a real process tree: the parent serves and forks one
child, both render, a stop signal ends both with status 0, a child never outlives its
parent, and a start that fails ends the children too."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.images import fixture
from tests.support.polling import wait_until
from tests.support.processes import STOP_TIMEOUT_S, Running, serving, start
from tests.support.render_app import decoded

pytestmark = pytest.mark.slow

ENV = {"ENLARGER_PROCESSES": "2", "ENLARGER_EMBEDDED_WORKER": "false"}


def the_child(pid: int) -> int:
    """The one child ``pid`` forks (once it has)."""
    wait_until(lambda: len(children(pid)) == 1, "the server to fork its child")
    (child,) = children(pid)
    return child


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[Running]:
    originals = tmp_path / "originals"
    originals.mkdir()
    (originals / "rocket.jpg").write_bytes(fixture("skimage_rocket.jpg"))
    args = ["--originals", str(originals), "--port", "0", "--data-dir", str(tmp_path)]
    with serving(args, ENV, tmp_path / "stderr.log") as running:
        yield running


def test_both_processes_render_and_a_stop_ends_both(two_processes: Running) -> None:
    child = the_child(two_processes.pid)
    before = {pid: cpu_ticks(pid) for pid in (two_processes.pid, child)}
    for width in range(100, 140):  # a connection each, spread by the kernel over both
        response = httpx.get(f"{two_processes.url}/rocket.jpg?w={width}&fm=png", timeout=30)
        assert response.status_code == 200, response.text
        assert decoded(response.content).width == width
    busy = [pid for pid, ticks in before.items() if cpu_ticks(pid) - ticks >= 3]  # 30 ms
    assert len(busy) == 2, f"only {busy} rendered"
    two_processes.process.send_signal(signal.SIGTERM)
    assert two_processes.process.wait(STOP_TIMEOUT_S) == 0, two_processes.log_tail()
    assert not alive(child)


def test_a_child_does_not_outlive_its_parent(two_processes: Running) -> None:
    child = the_child(two_processes.pid)
    two_processes.kill()
    wait_until(lambda: not alive(child), "the child to end with its parent", STOP_TIMEOUT_S)


def test_a_start_that_fails_ends_every_process(tmp_path: Path) -> None:
    config = tmp_path / "enlarger.toml"
    config.write_text('[presets]\nthumb = "w=-5"\n')
    args = ["serve", "--config", str(config), "--port", "0", "--data-dir", str(tmp_path)]
    running = start(args, ENV, tmp_path / "stderr.log")
    status = running.process.wait(STOP_TIMEOUT_S)
    running.stop()
    assert status != 0
    assert "thumb" in running.log_tail(), running.log_tail()
    assert not any(
        alive(pid) and str(tmp_path) in Path(f"/proc/{pid}/cmdline").read_text()
        for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
        if pid != os.getpid()
    ), "a process of the failed start lives on"
