"""Checks of the benchmark's own machinery: run with ``pytest benchmarks/test_bench.py``."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
import pyvips

from bench_formats import JPEG, PNG
from bench_http import Connection
from bench_load import Schedule
from bench_photos import Photo, output_problem
from bench_procs import cpu_seconds, peak_rss_mb, process_tree


def test_schedule_stops_only_at_a_pass_boundary() -> None:
    one_pass = Schedule(3, 0)
    assert [one_pass.next_index() for _ in range(5)] == [0, 1, 2, None, None]
    timed = Schedule(4, 0.01)
    handed = []
    while (i := timed.next_index()) is not None:
        handed.append(i)
        time.sleep(0.002)
    assert len(handed) >= 4
    assert len(handed) % 4 == 0


def _photo(width: int, height: int) -> Photo:
    return Photo("test.png", b"", width, height)


def _encoded(width: int, height: int, suffix: str) -> bytes:
    return bytes(pyvips.Image.black(width, height, bands=3).write_to_buffer(suffix))


def test_fitted_never_enlarges() -> None:
    assert _photo(4352, 2448).fitted(512) == (512, 288)
    assert _photo(2056, 3088).fitted(512) == (341, 512)
    assert _photo(451, 300).fitted(512) == (451, 300)


def test_output_problem_accepts_a_right_output() -> None:
    assert output_problem(_encoded(512, 288, ".jpg"), JPEG, _photo(4352, 2448), 512) is None
    assert output_problem(_encoded(512, 287, ".jpg"), JPEG, _photo(4352, 2448), 512) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_encoded(511, 288, ".jpg"), "expected 512x288 jpeg, got 511x288"),
        (_encoded(512, 290, ".jpg"), "expected 512x288 jpeg, got 512x290"),
        (_encoded(512, 288, ".png"), "expected jpegload_buffer, got pngload_buffer"),
        (b"<html>oops</html>", "unreadable jpeg output"),
    ],
)
def test_output_problem_names_what_is_wrong(body: bytes, expected: str) -> None:
    problem = output_problem(body, JPEG, _photo(4352, 2448), 512)
    assert problem is not None
    assert expected in problem


def test_png_output_checked_against_png_loader() -> None:
    assert output_problem(_encoded(451, 300, ".png"), PNG, _photo(451, 300), 512) is None


async def _serve_and_get(paths: list[str]) -> list[tuple[int, bytes]]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            if b"GET /chunked " in head:
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                writer.write(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = Connection(port)
    try:
        return [((r := await connection.get(p)).status, r.body) for p in paths]
    finally:
        await connection.close()
        server.close()
        await server.wait_closed()


def test_client_reads_chunked_and_sized_bodies_on_one_connection() -> None:
    got = asyncio.run(_serve_and_get(["/chunked", "/other", "/chunked"]))
    assert got == [(200, b"hello world"), (404, b"missing"), (200, b"hello world")]


def test_proc_readings_of_this_process() -> None:
    assert os.getpid() in process_tree(os.getppid())
    assert cpu_seconds([os.getpid()]) > 0
    assert peak_rss_mb(os.getpid()) > 10
