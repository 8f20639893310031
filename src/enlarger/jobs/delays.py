"""RabbitMQ delay buckets: one delay queue per fixed delay, so no retry waits behind a longer one.

A queue releases messages from its head only, so one delay queue with per-message TTLs
holds a 1 s retry behind a 300 s one. Each bucket queue ``<queue>.delay.<n>s`` has one
TTL for all its messages (``x-message-ttl``), so its head always expires first, and
dead-letters them back to the work queue. A delay goes to the longest bucket that does not
exceed it (the 1 s bucket for less than a second); a message back before its job's
``run_after`` is delayed again for the rest. Each hop at least halves what is left, so
a delay of ``d`` seconds takes at most ``log2(d) + 1`` hops and ends less than a second late.
"""

from __future__ import annotations

import kombu

#: seconds: powers of two, up to a bit over an hour.
BUCKETS_S = tuple(1 << n for n in range(13))


def bucket_for(delay_s: float) -> int:
    """The bucket (seconds) a message due in ``delay_s`` seconds waits in next."""
    fitting = [bucket for bucket in BUCKETS_S if bucket <= delay_s]
    return fitting[-1] if fitting else BUCKETS_S[0]


def bucket_queue_name(queue: str, bucket_s: int) -> str:
    return f"{queue}.delay.{bucket_s}s"


def bucket_queues(queue: str) -> list[kombu.Queue]:
    """The delay queues of work queue ``queue``, each dead-lettering back into it."""
    default = kombu.Exchange("")
    return [
        kombu.Queue(
            bucket_queue_name(queue, bucket_s),
            default,
            routing_key=bucket_queue_name(queue, bucket_s),
            durable=True,
            queue_arguments={
                "x-message-ttl": bucket_s * 1000,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": queue,
            },
        )
        for bucket_s in BUCKETS_S
    ]
