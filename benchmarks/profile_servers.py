"""py-spy profiles of Enlarger and thumbor under the same load, for the benchmark's reading.

    python benchmarks/profile_servers.py [--workload mixed] [--format jpeg] [--seconds 15]

Each server runs as one process (so one profile holds all of its work) while 4
connections ask for the workload's renders; ``py-spy record --native`` samples it
(pausing it briefly at each sample). Writes
``.work/profile-<server>.txt``: the 25 functions most often on the CPU (own samples) and
the 25 most often on the stack (inclusive), as shares of all samples, and the own
samples by where the code lives (a native library, or Python code). Stripped native
libraries (libvips) show addresses; ``perf record -g -p PID`` names their DSO. py-spy
comes from the benchmark's environment (``pip install py-spy``) or the PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bench_enlarger
import bench_thumbor
from bench_formats import FORMATS_BY_NAME
from bench_http import run_http_load
from bench_photos import load_photos
from bench_procs import ServerProcess, free_port
from render_bench import NO_RESULT_CACHE, WORK, workload_targets

TOP = 25


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--workload", default="mixed", choices=("fit512", "mixed"))
    parser.add_argument("--format", default="jpeg", choices=tuple(FORMATS_BY_NAME))
    parser.add_argument("--mixed-photo", default="mate_storm.jpg")
    parser.add_argument("--seconds", type=int, default=15)
    return parser.parse_args(argv)


def summarise(collapsed: Path) -> str:
    """Own and inclusive shares per function from py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    where: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        where[_library(frames[-1])] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    lines = [f"{total} samples", "", "own:"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in own.most_common(TOP)]
    lines += ["", "own, by library:"]
    lines += [f"{n / total:6.1%}  {name}" for name, n in where.most_common(TOP)]
    lines += ["", "inclusive:"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(TOP)]
    return "\n".join(lines) + "\n"


def _library(frame: str) -> str:
    """``f (libvips.so.42)`` -> ``libvips.so.42``; ``f (x.py:3)`` -> ``Python code``."""
    location = frame.rpartition("(")[2].rstrip(")")
    return "Python code" if ".py:" in location else location.split(":")[0]


def profile(server: ServerProcess, paths: list[str], seconds: int) -> str:
    server.start()
    try:
        server.wait_listening(60)
        out = WORK / f"profile-{server.name}.collapsed"
        beside = Path(sys.executable).parent / "py-spy"
        spy_path = str(beside) if beside.exists() else shutil.which("py-spy") or "py-spy"
        argv = [spy_path, "record", "--pid", str(server.pid)]
        argv += ["--duration", str(seconds), "--format", "raw", "--output", str(out)]
        argv += ["--native", "--rate", "200"]
        spy = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        load = threading.Thread(
            target=run_http_load, args=([server.port], paths, 4, seconds + 2, lambda i, b: None)
        )
        load.start()
        _, errors = spy.communicate()
        load.join()
        if not out.exists():
            raise RuntimeError(f"py-spy wrote nothing: {errors.decode(errors='replace')}")
        return summarise(out)
    finally:
        server.stop()


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    fmt = FORMATS_BY_NAME[args.format]
    photos = load_photos(args.photos, 2600, None, 1600)
    mixed = next(p for p in load_photos(args.photos, None, None) if p.name == args.mixed_photo)
    targets = workload_targets(args.workload, photos, mixed)
    enlarger = bench_enlarger.enlarger_server(WORK, args.photos, free_port(), 1, NO_RESULT_CACHE)
    thumbor = bench_thumbor.thumbor_server(WORK / "thumbor-venv", WORK, args.photos)
    servers = [
        (enlarger.members[0], bench_enlarger.enlarger_path),
        (thumbor.members[0], bench_thumbor.thumbor_path),
    ]
    for server, path_for in servers:
        paths = [path_for(t.photo.name, fmt, t.box) for t in targets]
        report = profile(server, paths, args.seconds)
        target = WORK / f"profile-{server.name}.txt"
        target.write_text(f"{args.workload} {args.format}, {args.seconds} s\n{report}")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
