"""Shedding benchmark: how fast a request that cannot be admitted gets its 429.

    python benchmarks/shedding.py [--clients 48] [--queue 2] [--duration 15]
                                  [--compare-with /path/to/other/enlarger]

``enlarger serve`` with a short render queue is overloaded by ``--clients`` connections
asking for AVIF renders of a 24 MP photo (``bench_large.py``), each a new render. Two
rounds: clients that wait the Retry-After they are given, and clients that ask again at
once. Per round: the statuses, the time to a 429 (median, p95, p99), the time to a 200 and
the server's CPU. ``--compare-with`` runs another installation's ``enlarger`` (an older
revision) through the same rounds, side by side. Writes ``SHEDDING.md``'s table to stdout
(or ``--output``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench_enlarger import enlarger_server
from bench_large import large_sources
from bench_overload import Outcomes, counting, run_clients
from bench_procs import ServerGroup, free_port

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--queue", type=int, default=2, help="ENLARGER_RENDER_QUEUE")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per round")
    parser.add_argument("--compare-with", help="another enlarger executable, run alike")
    parser.add_argument("--output", type=Path, help="write the table here too")
    return parser.parse_args(argv)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def row(name: str, clients: str, outcomes: Outcomes, cpu_s: float, client_cpu_s: float) -> str:
    statuses = outcomes.statuses()
    counted = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    per_s = statuses[200] / outcomes.elapsed_s
    return (
        f"| {name} | {clients} | {counted} | {ms(outcomes.percentile_ms(429, 50))} | "
        f"{ms(outcomes.percentile_ms(429, 95))} | {ms(outcomes.percentile_ms(429, 99))} | "
        f"{ms(outcomes.percentile_ms(200, 50))} | {per_s:.2f} | {cpu_s / outcomes.elapsed_s:.2f} | "
        f"{client_cpu_s / outcomes.elapsed_s:.2f} |"
    )


def rounds(server: ServerGroup, photo: str, args: argparse.Namespace) -> list[str]:
    rows = []
    for number, respect in enumerate((True, False)):
        # each round its own URLs (q 40-69, then 70-99): none is a result of the one before
        start = number * 15_000

        def path(n: int) -> str:
            return f"/{photo}?fm=avif&w={1200 + n % 500}&q={40 + n // 500 % 60}"

        paths = counting(path, start)
        cpu_before, client_before = server.cpu_seconds(), time.process_time()
        outcomes = run_clients(server.ports[0], paths, args.clients, args.duration, respect)
        cpu = server.cpu_seconds() - cpu_before
        client_cpu = time.process_time() - client_before
        clients = "wait Retry-After" if respect else "retry at once"
        rows.append(row(server.name, clients, outcomes, cpu, client_cpu))
        print(rows[-1], flush=True)
    return rows


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    WORK.mkdir(exist_ok=True)
    photo = large_sources(args.photos, WORK)[0]
    folder = WORK / "large"
    env = {"ENLARGER_RENDER_QUEUE": str(args.queue)}
    servers = [enlarger_server(WORK, folder, free_port(), env=env)]
    if args.compare_with:
        other = enlarger_server(
            WORK, folder, free_port(), env=env, executable=args.compare_with, name="compared"
        )
        servers.append(other)
    header = [
        f"{args.clients} clients, render queue {args.queue}, AVIF at 1200-1699 px, q 40-99, of "
        f"{photo}, {args.duration:g} s per round",
        "",
        "| server | clients | statuses | 429 p50 ms | 429 p95 ms | 429 p99 ms | 200 p50 ms "
        "| 200/s | server cores busy | client cores busy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    rows = []
    for server in servers:  # one at a time: each has the machine to itself
        server.start()
        try:
            server.wait_listening(60)
            rows += rounds(server, photo, args)
        finally:
            server.stop()
    if args.output:
        args.output.write_text("\n".join([*header, *rows]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
