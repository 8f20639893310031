"""The RabbitMQ broker on 127.0.0.1:5672 (guest/guest), with queues of each test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import kombu
import pytest

from enlarger.jobs.delays import BUCKETS_S, bucket_queue_name
from tests.support.services import require_port

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"


def queue_depth(name: str) -> int:
    """Messages ready in queue ``name`` (passive declare: the queue must exist)."""
    with kombu.Connection(BROKER_URL) as connection:
        result = connection.default_channel.queue_declare(queue=name, passive=True)
        return int(result.message_count)


@pytest.fixture
def rabbitmq_queue() -> Iterator[str]:
    """A work-queue name unique to this test; its queues are deleted afterwards."""
    require_port("RabbitMQ", "127.0.0.1", 5672)
    name = f"enlarger.test.{uuid.uuid4().hex[:12]}"
    yield name
    with kombu.Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        buckets = [bucket_queue_name(name, bucket_s) for bucket_s in BUCKETS_S]
        for queue in (name, f"{name}.dead", *buckets):
            channel.queue_delete(queue=queue)
