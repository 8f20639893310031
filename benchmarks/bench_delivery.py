"""Delivery benchmark (issue 11, section 7): the hit path and three times too much load.

Hit path: one cached result (a 2.3 MP JPEG rendered to 800 px) fetched over and over by
8 keep-alive connections from Enlarger (its memory cache answers), and the same bytes
from disk by nginx (one worker, sendfile, open_file_cache) as the ceiling, in alternating
rounds of the same run. Every body is compared with the expected bytes.

Overload: an Enlarger with its result caches off (every request renders), its capacity
measured first (closed loop, 4 connections) and its unloaded latency (1 connection);
then an open-loop sender offers three times that capacity for a while. Reported: what
was admitted (200) and shed (429), the p95 of admitted requests against the unloaded
p95, the server's resident memory through the run, and whether it is still answering.
Run once per ``--cells`` pair ([server] render_queue:render_wait_s).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_http import run_http_load
from bench_load import Measurement, finish
from bench_procs import PROC, ServerProcess, free_port

ENLARGER = Path(sys.executable).parent / "enlarger"
PHOTO = Path("/work/shared/photos/mate_blinds.jpg")
HIT_PATH = "/photo.jpg?w=800&fm=jpg&q=80"
NGINX_CONF = """daemon off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=100;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        types {{ image/jpeg jpg; }}
    }}
}}
"""


def enlarger(work: Path, name: str, env: dict[str, str], processes: int = 1) -> ServerProcess:
    port = free_port()
    argv = [str(ENLARGER), "serve", "--originals", str(work / "originals"), "--port", str(port)]
    argv += ["--data-dir", str(work / name), "--processes", str(processes)]
    return ServerProcess(name, argv, port, work, env, work / f"{name}.log")


def nginx(work: Path) -> ServerProcess:
    root = work / "nginx"
    (root / "tmp").mkdir(parents=True)
    port = free_port()
    conf = root / "nginx.conf"
    # as root, workers would run as nobody, who cannot read the temporary folder
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(root=root, port=port, user=user))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    argv = [binary, "-p", str(root), "-e", str(root / "nginx-error.log"), "-c", str(conf)]
    return ServerProcess("nginx", argv, port, work, {}, work / "nginx.log")


def fetch(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return bytes(response.read())


def closed_loop(
    server: ServerProcess, name: str, paths: Sequence[str], connections: int, seconds: float
) -> Measurement:
    """Keep-alive load; every body of a one-path run must equal the first answer."""
    expected = fetch(server.port, paths[0]) if len(paths) == 1 else b""

    def check(_i: int, body: bytes) -> str | None:
        return None if not expected or body == expected else "unexpected bytes"

    cpu, client = server.cpu_seconds(), time.process_time()
    recorder, elapsed = run_http_load([server.port], paths, connections, seconds, check)
    return finish(
        name,
        "jpeg",
        connections,
        recorder,
        elapsed,
        server.cpu_seconds() - cpu,
        time.process_time() - client,
        server.peak_rss_mb(),
    )


def hit_row(m: Measurement) -> str:
    return (
        f"| {m.engine} | {m.rps:,.0f} | {m.latency_ms(50):.2f} | {m.latency_ms(99):.2f} "
        f"| {m.cpu_ms_per_request:.3f} | {m.error_count} |"
    )


def hit_path(work: Path, seconds: float, rounds: int, processes: int) -> list[str]:
    server, edge = enlarger(work, "hits", {}, processes), nginx(work)
    for process in (server, edge):
        process.start()
        process.wait_listening(30)
    try:
        cached = fetch(server.port, HIT_PATH)
        (work / "nginx" / "www").mkdir()
        (work / "nginx" / "www" / "hit.jpg").write_bytes(cached)
        closed_loop(server, "warm-up", [HIT_PATH], 8, 1)
        lines = ["| server | req/s | p50 ms | p99 ms | server CPU ms/req | errors |"]
        lines.append("|---|---:|---:|---:|---:|---:|")
        for _ in range(rounds):
            name = f"Enlarger ({processes} process{'es' if processes > 1 else ''})"
            lines.append(hit_row(closed_loop(server, name, [HIT_PATH], 8, seconds)))
            lines.append(hit_row(closed_loop(edge, "nginx (disk)", ["/hit.jpg"], 8, seconds)))
        lines.append(f"\n{len(cached):,} bytes per response")
        return lines
    finally:
        server.stop()
        edge.stop()


@dataclass
class OpenLoopResult:
    statuses: Counter[int]
    admitted_ms: list[float]


async def _one(port: int, path: str, result: OpenLoopResult) -> None:
    started = time.perf_counter()
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        data = await asyncio.wait_for(reader.read(-1), 120)
        writer.close()
        status = int(data.split(b" ", 2)[1])
    except (OSError, TimeoutError, ValueError, IndexError):
        status = 0  # refused, reset or cut off: counted as an error
    result.statuses[status] += 1
    if status == 200:
        result.admitted_ms.append((time.perf_counter() - started) * 1000)


async def _open_loop(
    port: int, paths: Sequence[str], rate: float, seconds: float
) -> OpenLoopResult:
    """Requests at ``rate`` per second whatever the answers, each on its own connection."""
    result = OpenLoopResult(Counter(), [])
    tasks = []
    begun = time.perf_counter()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, begun + i / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(_one(port, paths[i % len(paths)], result)))
    await asyncio.gather(*tasks)
    return result


def rss_mb(pid: int) -> float:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def overload(work: Path, queue: int, wait_s: float, seconds: float) -> list[str]:
    env = {
        "ENLARGER_MEMORY_CACHE_BYTES": "0",
        "ENLARGER_RESULT_STORE_BYTES": "0",
        "ENLARGER_RENDER_QUEUE": str(queue),
        "ENLARGER_RENDER_WAIT_S": str(wait_s),
    }
    server = enlarger(work, f"overload-q{queue}-w{wait_s:g}", env)
    server.start()
    server.wait_listening(30)
    paths = [f"/photo.jpg?w={w}&fm=jpg&q=80" for w in range(300, 1300, 50)]
    try:
        closed_loop(server, "warm-up", paths, 2, 1)
        unloaded = closed_loop(server, "unloaded", paths, 1, seconds)
        measured = closed_loop(server, "capacity", paths, 4, seconds)
        # renders per second: a 429 (a wait budget sheds some even here) is not capacity
        capacity = (measured.requests - measured.error_count) / measured.elapsed_s
        idle_rss = rss_mb(server.pid)
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                samples.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        result = asyncio.run(_open_loop(server.port, paths, 3 * capacity, seconds))
        done.set()
        sampler.join()
        alive = fetch(server.port, "/health") == b'{"status":"ok"}'
        unloaded_p95 = unloaded.latency_ms(95)
        admitted_p95 = p95(result.admitted_ms) if len(result.admitted_ms) > 1 else float("nan")
        shed = result.statuses[429]
        others = {s: n for s, n in result.statuses.items() if s not in (200, 429)}
        return [
            f"| {queue} | {wait_s:g} | {capacity:.1f} | {3 * capacity:.1f} "
            f"| {result.statuses[200]} | {shed} "
            f"| {others or 'none'} | {unloaded_p95:.0f} | {admitted_p95:.0f} "
            f"| {admitted_p95 / unloaded_p95:.2f}x | {idle_rss:.0f} -> {max(samples):.0f} "
            f"| {'yes' if alive else 'NO'} |"
        ]
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measured cell")
    parser.add_argument("--rounds", type=int, default=2, help="hit-path rounds per server")
    parser.add_argument("--processes", type=int, default=1, help="enlarger serve --processes")
    parser.add_argument(
        "--cells",
        default="64:0,64:5,64:0.1",
        help="render_queue:render_wait_s pairs to overload, comma-separated",
    )
    parser.add_argument("--skip", choices=["hits", "overload"], help="leave one part out")
    parser.add_argument("--output", type=Path, help="write the tables here too")
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as tmp:
        work = Path(tmp)
        (work / "originals").mkdir()
        shutil.copyfile(PHOTO, work / "originals" / "photo.jpg")
        if args.skip != "hits":
            hits = hit_path(work, args.seconds, args.rounds, args.processes)
            lines += ["## Hit path, 8 connections", "", *hits]
        if args.skip != "overload":
            lines += ["", "## Three times capacity, open loop (caches off: every request renders)"]
            lines += ["", "| render_queue | render_wait_s | capacity req/s | offered req/s | 200 "]
            lines[-1] += "| 429 | other "
            lines[-1] += (
                "| unloaded p95 ms | admitted p95 ms | ratio | RSS MB idle -> peak | alive |"
            )
            lines.append("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|")
            for cell in args.cells.split(","):
                queue, wait_s = cell.split(":")
                lines += overload(work, int(queue), float(wait_s), args.seconds)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
