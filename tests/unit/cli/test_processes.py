"""Several server processes: how the settings are shared out among them."""

from __future__ import annotations

import os
import socket

from enlarger.cli.processes import share
from enlarger.cli.serve import listening_sockets
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


def test_the_pixel_budget_and_the_memory_cache_are_the_servers_shared_out() -> None:
    settings = Settings.load(environ={}, overrides={"processes": 2})
    shares = [share(settings, index, 2) for index in range(2)]
    pixels = sum(each.server.render_pixels_in_flight for each in shares)
    cache = sum(each.cache.memory_cache_bytes for each in shares)
    assert pixels == settings.server.render_pixels_in_flight
    assert cache == settings.cache.memory_cache_bytes


def test_no_worker_anywhere_when_it_is_switched_off() -> None:
    settings = Settings.load(environ={}, overrides={"processes": 2, "embedded_worker": False})
    assert not share(settings, 0, 2).server.embedded_worker


def test_each_process_gets_its_own_socket_and_connections_spread_over_them() -> None:
    """Three sockets on one port: thirty connections reach more than one of them (all on
    one socket, as processes sharing one socket often got them, has odds of 3 ** -29)."""
    socks = listening_sockets("127.0.0.1", 0, 3)
    clients = []
    try:
        assert len({sock.getsockname() for sock in socks}) == 1
        for _ in range(30):
            clients.append(socket.create_connection(socks[0].getsockname(), timeout=5))
        accepted = []
        for sock in socks:
            sock.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
    finally:
        for item in [*clients, *socks]:
            item.close()
    assert sum(accepted) == 30
    assert sum(1 for count in accepted if count) >= 2, accepted
