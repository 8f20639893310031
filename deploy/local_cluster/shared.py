"""The services every part shares that this machine already runs: PostgreSQL and RabbitMQ
(the README's set-up). The cluster makes a database and queue names of its own in them,
and removes them when it stops."""

from __future__ import annotations

import socket

import kombu
import psycopg
from psycopg import sql

POSTGRES = ("127.0.0.1", 5432)
RABBITMQ = ("127.0.0.1", 5672)
POSTGRES_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"


def missing_services() -> list[str]:
    """What the cluster needs and cannot reach, each with what to do about it."""
    wanted = {
        POSTGRES: "PostgreSQL is not listening on 127.0.0.1:5432 (user postgres, trust): start it",
        RABBITMQ: "RabbitMQ is not listening on 127.0.0.1:5672 (guest/guest): start it",
    }
    return [problem for address, problem in wanted.items() if not _listening(*address)]


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def create_database(name: str) -> str:
    """A new, empty database; its SQLAlchemy URL (the parts migrate it as they start)."""
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def delete_queues(name: str) -> None:
    """The work queue and the two the RabbitMQ engine adds (retry delay, dead letters)."""
    with kombu.Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        for queue in (name, f"{name}.delay", f"{name}.dead"):
            channel.queue_delete(queue=queue)
