"""Did a change make any render path slower? CPU per in-process render, two revisions.

Each revision is checked out (``git worktree``) under ``benchmarks/.work/`` and measured
in its own child process (``--measure``) with that tree's ``src`` first on the path, the
two alternating for ``--rounds`` rounds so that the shared machine's noise hits both
alike. Every size class of the render path is measured: shrink-on-load downscales, a
mid-size resize, a same-size re-encode, a crop, in JPEG, WebP and PNG. The table gives
each class's median CPU-ms per render and the ratio new/old.

    python benchmarks/compare_revisions.py OLD_REV [NEW_REV] --output FILE
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
PHOTOS = ("lomiri16_bridge.jpg", "mate_dune.jpg", "skimage_rocket.jpg", "plasma_kite.jpg")
CLASSES = {
    "fit 512, JPEG q80": "w=512&h=512&fit=max&fm=jpg&q=80",
    "fit 512, WebP q75": "w=512&h=512&fit=max&fm=webp&q=75",
    "width 1024, JPEG q80": "w=1024&fit=max&fm=jpg&q=80",
    "same size, JPEG q80": "fm=jpg&q=80",
    "crop 300x300, PNG": "w=300&h=300&fit=crop&fm=png",
}


def measure(photos: Path, repeats: int) -> dict[str, float]:
    """CPU-ms per render of each class, in this process (the tree on ``sys.path``)."""
    from enlarger.imaging import RenderOptions, render, writable_formats
    from enlarger.imaging.runtime import configure
    from enlarger.spec.imgix import parse

    configure(1, 2)
    sources = [(photos / name).read_bytes() for name in PHOTOS]
    options, writable = RenderOptions(), writable_formats()
    result = {}
    for name, query in CLASSES.items():
        spec = parse(query, writable)
        for data in sources:  # warm-up
            render(data, spec, frozenset(), options)
        start = time.process_time()
        for _ in range(repeats):
            for data in sources:
                render(data, spec, frozenset(), options)
        result[name] = (time.process_time() - start) * 1000 / (repeats * len(sources))
    return result


def checkout(revision: str) -> Path:
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", revision], check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = WORK / f"rev-{sha[:12]}"
    if not tree.exists():
        git = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha]
        subprocess.run(git, check=True, capture_output=True)
    return tree


def run_child(tree: Path, photos: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    argv = [sys.executable, __file__, "--measure", "--photos", str(photos)]
    argv += ["--repeats", str(repeats)]
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out))


def table(old: str, new: str, runs: dict[str, list[dict[str, float]]]) -> str:
    lines = [
        f"| size class | {old} CPU-ms | {new} CPU-ms | new/old |",
        "|---|---:|---:|---:|",
    ]
    for name in CLASSES:
        before = statistics.median(run[name] for run in runs[old])
        after = statistics.median(run[name] for run in runs[new])
        lines.append(f"| {name} | {before:.1f} | {after:.1f} | {after / before:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", nargs="?")
    parser.add_argument("new", nargs="?", default="HEAD")
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.photos, args.repeats)))
        return
    if args.old is None:
        parser.error("name the old revision")
    trees = {args.old: checkout(args.old), args.new: checkout(args.new)}
    runs: dict[str, list[dict[str, float]]] = {rev: [] for rev in trees}
    for _ in range(args.rounds):
        for rev, tree in trees.items():
            runs[rev].append(run_child(tree, args.photos, args.repeats))
    report = table(args.old, args.new, runs)
    print(report)
    if args.output:
        args.output.write_text(report)


if __name__ == "__main__":
    main()
