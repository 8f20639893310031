"""The embedded engine: workers claim jobs straight from the catalog's jobs table.

No server to run: durability is the database's. A claim leases the row for
``job_lease_s``; the running worker renews the lease by heartbeat, so a job whose worker
died (kill -9, power loss) is claimed again once the lease runs out. Idle workers poll
(at most once a second, sooner with short leases) and wake at once on ``dispatch()``
from the same process.
"""

from __future__ import annotations

import threading

from enlarger.jobs.runner import JobRunner


class EmbeddedQueue:
    def __init__(self, runner: JobRunner) -> None:
        self._runner = runner
        self._wake = threading.Event()
        self._poll_s = min(1.0, runner.settings.job_lease_s / 4)

    def dispatch(self) -> None:
        self._wake.set()

    def serve(self, stop: threading.Event) -> None:
        owner = self._runner.new_owner()
        while not stop.is_set():
            job = self._runner.claim_next(owner)
            if job is not None:
                self._runner.run(job)
                continue
            self._wake.wait(self._poll_s)
            self._wake.clear()

    def housekeep(self, stop: threading.Event) -> None:
        """Nothing to do between jobs: the table is the queue."""
        stop.wait()

    def close(self) -> None:
        self._wake.set()
