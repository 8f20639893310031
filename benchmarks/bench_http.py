"""HTTP load at fixed concurrency from a minimal keep-alive HTTP/1.1 client.

The machine has two cores shared by the client and the server, so the client is kept as
cheap as it can be (asyncio streams, no parsing beyond the status line and the framing
headers): CPU it spends is CPU the server does not get. Its cost is measured and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench_load import Recorder, Schedule

ACCEPT = "image/avif,image/webp,image/png,image/*,*/*;q=0.8"
#: a response slower than this is a failure, not a latency.
REQUEST_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One persistent connection; reconnects when the server closed an idle one."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> Response:
        fresh = self._writer is None
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self._port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self._port}\r\nAccept: {ACCEPT}\r\n\r\n"
        self._writer.write(request.encode("ascii"))
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            if fresh:
                raise
            return await self.get(path)
        status, headers = _parse_head(head)
        body = await self._read_body(self._reader, headers)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        return await reader.read()

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


#: checks one response body for target ``i``; returns what is wrong, or None.
BodyCheck = Callable[[int, bytes], str | None]


async def _worker(
    port: int, paths: Sequence[str], schedule: Schedule, check: BodyCheck, recorder: Recorder
) -> None:
    connection = Connection(port)
    try:
        while (i := schedule.next_index()) is not None:
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(connection.get(paths[i]), REQUEST_TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                recorder.record(time.perf_counter() - started, 0, f"{paths[i]}: {exc!r}")
                await connection.close()
                continue
            latency = time.perf_counter() - started
            if response.status != 200:
                detail = response.body[:200].decode("utf-8", "replace")
                problem: str | None = f"{paths[i]}: HTTP {response.status} {detail}"
            else:
                problem = check(i, response.body)
            recorder.record(latency, len(response.body), problem)
    finally:
        await connection.close()


async def _run(
    ports: Sequence[int],
    paths: Sequence[str],
    concurrency: int,
    duration_s: float,
    check: BodyCheck,
    recorder: Recorder,
) -> float:
    schedule = Schedule(len(paths), duration_s)
    await asyncio.gather(
        *(
            _worker(ports[k % len(ports)], paths, schedule, check, recorder)
            for k in range(concurrency)
        )
    )
    return time.perf_counter() - schedule.started


def run_http_load(
    ports: Sequence[int],
    paths: Sequence[str],
    concurrency: int,
    duration_s: float,
    check: BodyCheck,
) -> tuple[Recorder, float]:
    """GET ``paths`` in whole passes with ``concurrency`` connections for ``duration_s``.

    The connections are spread evenly over ``ports`` (one per server instance).

    Returns the per-request outcomes and the elapsed seconds (first request to last answer).
    """
    recorder = Recorder()
    elapsed = asyncio.run(_run(ports, paths, concurrency, duration_s, check, recorder))
    return recorder, elapsed
