"""How many jobs a worker process runs at once."""

from __future__ import annotations

import os

from enlarger.jobs.worker import job_slots
from enlarger.settings import Settings


def test_worker_slots_default_to_one_per_cpu() -> None:
    assert job_slots(Settings.load(environ={})) == (os.cpu_count() or 1)


def test_worker_slots_come_from_the_settings() -> None:
    assert job_slots(Settings.load(environ={"ENLARGER_WORKER_SLOTS": "3"})) == 3
