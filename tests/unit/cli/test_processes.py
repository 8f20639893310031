"""Several server processes: how the settings are shared out among them."""

from __future__ import annotations

import os

from enlarger.cli.processes import share
from enlarger.settings import Settings


def test_only_the_first_process_runs_the_embedded_worker() -> None:
    settings = Settings.load(environ={}, overrides={"processes": 3})
    workers = [share(settings, index, 3).server.embedded_worker for index in range(3)]
    assert workers == [True, False, False]


def test_render_threads_per_cpu_are_shared_out_and_explicit_ones_kept() -> None:
    per_cpu = Settings.load(environ={}, overrides={"processes": 2})
    assert share(per_cpu, 1, 2).server.render_threads == max(1, (os.cpu_count() or 1) // 2)
    fixed = Settings.load(environ={}, overrides={"processes": 2, "render_threads": 3})
    assert share(fixed, 0, 2).server.render_threads == 3


def test_no_worker_anywhere_when_it_is_switched_off() -> None:
    settings = Settings.load(environ={}, overrides={"processes": 2, "embedded_worker": False})
    assert not share(settings, 0, 2).server.embedded_worker
