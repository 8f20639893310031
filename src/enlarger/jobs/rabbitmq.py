"""The RabbitMQ engine: the jobs table stays the source of truth; the broker carries job ids.

Client: kombu (py-amqp) directly, not Celery. Celery would keep a second copy of each job's
state (its task message, retry countdowns held in worker memory) beside the jobs table;
what this engine needs from the broker is small and explicit with kombu: durable queues,
persistent messages, publisher confirms, prefetch 1, ack after the work, and a declared
delay queue and dead-letter queue.

* **Transactional outbox.** ``enqueue`` only inserts the row (``published_at`` NULL) in
  the caller's transaction. A relay (``housekeep``; ``dispatch`` wakes it) publishes
  queued, unpublished jobs with publisher confirms and then sets ``published_at``, so a
  crash between commit and publish loses nothing (the relay publishes it later) and a crash
  between publish and the mark only makes a duplicate message.
* **Duplicates are harmless.** A message is only a pointer: the worker claims the row by
  id (``claim_by_id``), so a job that is done, failed or leased by a live worker is not
  run twice. A message for a job leased by another worker waits until that job ends or
  its lease expires (its worker died) and then claims it. Should a message be lost for
  good, the relay republishes a running job whose lease expired a lease period ago.
* **Ack late, prefetch 1.** The message is acknowledged after the job's outcome is
  committed; a killed worker's unacked message goes back to the queue at once (the broker
  sees the connection close) and its row is claimed again once the lease expires.
* **Retries with backoff.** A failed attempt sets ``run_after`` and clears
  ``published_at``; the job id is republished to a delay bucket (``jobs/delays.py``: one
  queue per fixed delay, so a short retry never waits behind a long one) that
  dead-letters it back to ``<queue>``; a message back before its job is due goes to the
  bucket for the rest of its wait.
* **Dead letters.** After ``max_attempts`` (or a permanent error) the row is failed and
  the message rejected into ``<queue>.dead`` through the work queue's dead-letter settings.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import kombu
import kombu.exceptions
import structlog

from enlarger.catalog import jobs
from enlarger.catalog.models import JobStatus, utcnow
from enlarger.jobs.delays import bucket_for, bucket_queue_name, bucket_queues
from enlarger.jobs.runner import JobRunner

log = structlog.get_logger("enlarger.jobs.rabbitmq")

RELAY_BATCH = 100
RECONNECT_DELAY_S = 2.0


class RabbitQueue:
    def __init__(self, runner: JobRunner) -> None:
        self._runner = runner
        settings = runner.settings
        self._broker_url = settings.broker_url
        self._name = settings.queue_name
        self._poll_s = min(1.0, settings.job_lease_s / 4)
        self._wake = threading.Event()
        self._queues = _topology(self._name)
        self._connection_errors: tuple[type[BaseException], ...] = (
            OSError,
            kombu.exceptions.OperationalError,
            *kombu.Connection(self._broker_url).connection_errors,
        )

    # JobQueue

    def dispatch(self) -> None:
        self._wake.set()

    def serve(self, stop: threading.Event) -> None:
        owner = self._runner.new_owner()
        while not stop.is_set():
            try:
                with self._connection() as connection:
                    self._consume(connection, owner, stop)
            except self._connection_errors as exc:
                log.warning("broker connection lost; reconnecting", error=str(exc))
                stop.wait(RECONNECT_DELAY_S)

    def housekeep(self, stop: threading.Event) -> None:
        """The outbox relay: publish committed, unpublished jobs."""
        while not stop.is_set():
            try:
                with self._connection() as connection:
                    producer = connection.Producer()
                    while not stop.is_set():
                        if self.relay_once(producer) < RELAY_BATCH:
                            self._wake.wait(self._poll_s)
                            self._wake.clear()
            except self._connection_errors as exc:
                log.warning("relay lost the broker; retrying", error=str(exc))
                stop.wait(RECONNECT_DELAY_S)

    def close(self) -> None:
        self._wake.set()

    # outbox

    def relay_once(self, producer: kombu.Producer) -> int:
        """Publish one batch of unpublished queued jobs (and orphans); how many were published.

        An orphan is a running job whose lease expired a whole lease period ago and that was
        not (re)published meanwhile: its worker died and the redelivered message did not come
        back (a broker that lost it). Republished at most once per lease period.
        """
        now = utcnow()
        with self._runner.sessions.begin() as session:
            rows = jobs.to_publish(session, now, self._runner.settings.job_lease_s, RELAY_BATCH)
            for job_id, run_after in rows:
                self._publish(producer, job_id, run_after)
            if rows:
                jobs.mark_published(session, [job_id for job_id, _ in rows], now)
        return len(rows)

    def _publish(self, producer: kombu.Producer, job_id: str, run_after: dt.datetime) -> None:
        delay_s = (run_after - utcnow()).total_seconds()
        routing_key = self._name
        if delay_s > 0:
            routing_key = bucket_queue_name(self._name, bucket_for(delay_s))
        producer.publish(
            {"job_id": job_id},
            exchange="",
            routing_key=routing_key,
            serializer="json",
            delivery_mode="persistent",
            retry=True,
        )

    # consuming

    @contextmanager
    def _connection(self) -> Iterator[kombu.Connection]:
        connection = kombu.Connection(self._broker_url, transport_options={"confirm_publish": True})
        try:
            connection.ensure_connection(max_retries=1)
            channel = connection.default_channel
            for queue in self._queues:
                queue(channel).declare()
            yield connection
        finally:
            connection.release()

    def _consume(self, connection: kombu.Connection, owner: str, stop: threading.Event) -> None:
        producer = connection.Producer()

        def on_message(message: kombu.Message) -> None:
            self._handle(message, producer, owner, stop)

        with connection.Consumer(
            self._queues[0], on_message=on_message, accept=["json"], prefetch_count=1
        ):
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=self._poll_s)
                except TimeoutError:
                    continue

    def _handle(
        self, message: kombu.Message, producer: kombu.Producer, owner: str, stop: threading.Event
    ) -> None:
        body = message.payload
        if not isinstance(body, dict) or not isinstance(body.get("job_id"), str):
            log.error("malformed job message sent to the dead-letter queue", body=repr(body))
            message.reject(requeue=False)
            return
        job_id = body["job_id"]
        run_after = self._waiting_until(job_id)
        if run_after is not None:  # back from a shorter bucket than its delay
            self._publish(producer, job_id, run_after)
            message.ack()
            return
        while True:
            job = self._runner.claim_by_id(job_id, owner)
            if job is not None:
                outcome = self._runner.run(job)
                if outcome is JobStatus.QUEUED:
                    self._republish_retry(producer, job_id)
                if outcome is JobStatus.FAILED:
                    message.reject(requeue=False)
                else:
                    message.ack()
                return
            lease_left_s = self._lease_left_s(job_id)
            if lease_left_s is None:  # done, failed or unknown: nothing left to do
                message.ack()
                return
            if stop.wait(min(lease_left_s + 0.05, 1.0)):
                message.requeue()
                return

    def _waiting_until(self, job_id: str) -> dt.datetime | None:
        """When ``job_id``, queued, is due, if that is still to come; None otherwise."""
        with self._runner.sessions() as session:
            job = jobs.get_job(session, job_id)
            if job is None or job.status is not JobStatus.QUEUED or job.run_after <= utcnow():
                return None
            return job.run_after

    def _lease_left_s(self, job_id: str) -> float | None:
        """Seconds until another worker's lease on ``job_id`` expires; None if not running."""
        with self._runner.sessions() as session:
            job = jobs.get_job(session, job_id)
            if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                return None
            if job.status is JobStatus.QUEUED or job.lease_until is None:
                return 0.0
            return max((job.lease_until - utcnow()).total_seconds(), 0.0)

    def _republish_retry(self, producer: kombu.Producer, job_id: str) -> None:
        with self._runner.sessions.begin() as session:
            job = jobs.get_job(session, job_id)
            if job is None or job.status is not JobStatus.QUEUED or job.published_at is not None:
                return
            self._publish(producer, job.id, job.run_after)
            job.published_at = utcnow()


def _topology(name: str) -> tuple[kombu.Queue, ...]:
    """The work queue (dead-lettering to ``.dead``), the dead queue and the delay buckets."""
    default = kombu.Exchange("")
    work = kombu.Queue(
        name,
        default,
        routing_key=name,
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": f"{name}.dead",
        },
    )
    dead = kombu.Queue(f"{name}.dead", default, routing_key=f"{name}.dead", durable=True)
    return work, dead, *bucket_queues(name)
