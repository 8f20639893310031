"""Memory benchmark: the whole server's peak resident set under concurrent 24 MP renders.

    python benchmarks/memory.py [--clients 16] [--duration 20] [--processes 1]
        [--variant NAME:ENLARGER_X=1,MALLOC_Y=2 ...]

Each variant is a fresh ``enlarger serve`` (``--processes`` of them sharing the port) with
its environment added. ``--clients`` connections ask, each request a new render (so no
result cache answers it), for a mix of outputs of the 24 MP sources of ``bench_large.py``
(half of them progressive JPEGs): fit 512 JPEG, 1024 px AVIF, 2048 px WebP, 1600 px PNG,
3000 px JPEG and the whole photo re-encoded as JPEG. The summed RSS and PSS of every
server process are sampled every 20 ms. Per variant: idle and peak RSS, the statuses (only 200,
429 and 503 are acceptable) and renders per second. Without ``--variant`` it measures the
defaults.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_enlarger import enlarger_server
from bench_large import large_sources
from bench_overload import counting, run_clients
from bench_procs import TreeRssSampler, free_port, process_tree, rss_mb

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
#: the outputs, each with a quality that changes with the request number (a new render).
OUTPUTS = (
    "w=512&h=512&fit=max&fm=jpg&q={q}",
    "w=1024&fm=avif&q={q}",
    "w=2048&fm=webp&q={q}",
    "w=1600&fm=png&q={q}",
    "w=3000&fm=jpg&q={q}",
    "fm=jpg&q={q}",
)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per variant")
    parser.add_argument("--processes", type=int, default=1, help="enlarger serve --processes")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="NAME:KEY=VALUE,KEY=VALUE (environment added to the server); repeatable",
    )
    parser.add_argument("--compare-with", help="another enlarger executable, run with defaults")
    parser.add_argument("--output", type=Path, help="write the table here too")
    return parser.parse_args(argv)


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(pair.split("=", 1) for pair in assignments.split(",") if pair)
    return name, env


def path_of(sources: Sequence[str]) -> Callable[[int], str]:
    def path(n: int) -> str:
        source = sources[n % len(sources)]
        output = OUTPUTS[n // len(sources) % len(OUTPUTS)]
        quality = 30 + n // (len(sources) * len(OUTPUTS)) % 70
        return f"/{source}?{output.format(q=quality)}"

    return path


def measure(
    name: str,
    env: dict[str, str],
    sources: Sequence[str],
    args: argparse.Namespace,
    executable: str | None = None,
) -> str:
    folder, port = WORK / "large", free_port()
    # a fresh data folder: results stored by an earlier run would answer this one's requests
    shutil.rmtree(WORK / f"{name}-data", ignore_errors=True)
    server = enlarger_server(WORK, folder, port, args.processes, env, executable, name)
    server.start()
    try:
        server.wait_listening(60)
        time.sleep(2)  # every process up and idle
        root = server.members[0].pid
        idle = sum(rss_mb(pid) for pid in process_tree(root))
        with TreeRssSampler(root) as sampler:
            outcomes = run_clients(
                server.ports[0], counting(path_of(sources)), args.clients, args.duration, True
            )
    finally:
        server.stop()
    statuses = outcomes.statuses()
    counted = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    settings = ", ".join(f"{key}={value}" for key, value in env.items()) or "defaults"
    unexpected = set(statuses) - {200, 429, 503}
    flag = f" UNEXPECTED {sorted(unexpected)}" if unexpected else ""
    p50 = outcomes.percentile_ms(200, 50) or 0
    return (
        f"| {name} | {settings} | {idle:.0f} | {sampler.peak_mb:.0f} | {sampler.peak_pss_mb:.0f} "
        f"| {counted}{flag} | "
        f"{statuses[200] / outcomes.elapsed_s:.2f} | {p50:.0f} |"
    )


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    WORK.mkdir(exist_ok=True)
    sources = large_sources(args.photos, WORK)
    variants = [parse_variant(text) for text in args.variant] or [("defaults", {})]
    header = [
        f"{args.clients} clients, {args.processes} process(es), {args.duration:g} s per "
        f"variant, sources {', '.join(sources)}",
        "",
        "| variant | settings | idle RSS MB | peak RSS MB (all processes) | peak PSS MB "
        "| statuses | 200/s | 200 p50 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(header), flush=True)
    rows = []
    runs = [(name, env, None) for name, env in variants]
    if args.compare_with:
        runs.append(("compared", {}, args.compare_with))
    for name, env, executable in runs:
        rows.append(measure(name, env, sources, args, executable))
        print(rows[-1], flush=True)
    if args.output:
        args.output.write_text("\n".join([*header, *rows]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
