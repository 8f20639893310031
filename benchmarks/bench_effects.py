"""The cost of common effects per render, beside the plain render of the same size.

Renders each photo in-process through ``imaging.render`` (decode, steps, JPEG encode)
with each query below, the rows interleaved round by round so machine noise hits them
alike; reports each row's median time as a ratio to the plain render's. Run:

    python benchmarks/bench_effects.py [--photos DIR] [--limit 3] [--rounds 5]

and paste its table into ``benchmarks/EFFECTS.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from enlarger.imaging import RenderOptions, Sources, render
from enlarger.spec import imgix

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
MARK = (FIXTURES / "plasma_icecold_rgba_320.png").read_bytes()
BASE = "w=1200&fm=jpg&q=80"

#: (row, query after BASE, extra sources by role)
ROWS: list[tuple[str, str, dict[str, bytes]]] = [
    ("plain", "", {}),
    ("sharp=40", "sharp=40", {}),
    ("blur=100", "blur=100", {}),
    ("txt (36 px, shadow)", "txt=Photo%20%C2%A9%20Zo%C3%AB%20Doe&txt-size=36&txt-shad=4", {}),
    ("txt (outline 3 px)", "txt=Photo%20%C2%A9%20Zo%C3%AB&txt-size=36&txt-line=3", {}),
    ("mark (w=0.2)", "mark=m.png&mark-w=0.2", {"watermark": MARK}),
    ("mark-tile=grid", "mark=m.png&mark-scale=15&mark-tile=grid", {"watermark": MARK}),
    ("blend=colour multiply", "blend=ff8800&blend-mode=multiply&blend-alpha=50", {}),
    ("blend=image screen", "blend=m.png&blend-mode=screen&blend-w=0.5", {"blend": MARK}),
    ("blend=colour hue", "blend=0066ff&blend-mode=hue", {}),
    ("mask=image", "mask=m.png", {"mask": MARK}),
]


def timed(source: bytes, query: str, extras: dict[str, bytes]) -> float:
    spec = imgix.parse(f"{BASE}&{query}" if query else BASE)
    data: bytes | Sources = Sources(source, extras) if extras else source
    start = time.perf_counter()
    render(data, spec, frozenset(), RenderOptions())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--limit", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    given = parser.parse_args()
    photos = sorted(p for p in given.photos.iterdir() if p.suffix.lower() == ".jpg")
    sources = [p.read_bytes() for p in photos[: given.limit]]
    times: dict[str, list[float]] = {name: [] for name, _, _ in ROWS}
    for source in sources:  # warm up: first decode, font loading
        for _, query, extras in ROWS:
            timed(source, query, extras)
    for _ in range(given.rounds):
        for source in sources:
            for name, query, extras in ROWS:
                times[name].append(timed(source, query, extras))
    plain = statistics.median(times["plain"])
    print(
        f"{len(sources)} photos x {given.rounds} rounds, `{BASE}`; Python {sys.version.split()[0]}"
    )
    print("\n| effect | median ms | x plain |\n|---|---|---|")
    for name, _, _ in ROWS:
        median = statistics.median(times[name])
        print(f"| {name} | {median * 1000:.1f} | {median / plain:.2f} |")


if __name__ == "__main__":
    main()
