"""Encoder effort for stored presets: bytes, CPU and SSIMULACRA2 at each effort level.

    python benchmarks/preset_efforts.py [--photos a.jpg,b.png] [--repeats 2]

Each preset-like render (``imaging.render``, one thread) runs at several levels of the one
effort its format has (WebP and AVIF effort, PNG's zlib level), the rest as a live render
has them. Bytes and CPU are summed over the photos; SSIMULACRA2 (mean over the photos)
compares each output with the same render written losslessly (PNG), so it scores the
encoder alone. The figures chose ``[convert]``'s defaults (``settings.ConvertSettings``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyvips

from convert_bench import DEFAULT_PHOTOS, PHOTOS
from enlarger.imaging import Effort, RenderOptions, render, ssimulacra2
from enlarger.presets import validate_presets
from enlarger.spec.model import Format


@dataclass(frozen=True)
class Case:
    query: str
    effort: str
    levels: tuple[int, ...]


CASES = {
    "webp 480": Case("w=480&fit=max&fm=webp", "webp_effort", (2, 4, 6)),
    "webp 200 crop": Case("w=200&h=200&fit=crop&fm=webp", "webp_effort", (2, 4, 6)),
    "avif 1080": Case("w=1080&fit=max&fm=avif", "avif_effort", (0, 2, 4)),
    "png 1080": Case("w=1080&fit=max&fm=png", "png_compression", (2, 6, 9)),
}


def measure(
    photos: Sequence[bytes], case: Case, level: int, repeats: int
) -> tuple[int, float, float]:
    """Total bytes, total CPU-ms (best of ``repeats``) and mean SSIMULACRA2 over ``photos``."""
    as_png = case.query.replace("fm=webp", "fm=png").replace("fm=avif", "fm=png")
    specs = validate_presets({"case": case.query, "lossless": as_png})
    spec, lossless = specs["case"], specs["lossless"]
    overrides: dict[str, Any] = {case.effort: level}
    options = RenderOptions(effort=replace(Effort(), **overrides))
    everything = frozenset(Format)
    total_bytes, cpu_ms, scores = 0, 0.0, []
    for data in photos:
        timings = []
        for _ in range(repeats):
            started = time.process_time()
            output = render(data, spec, everything, options).data
            timings.append(1000 * (time.process_time() - started))
        cpu_ms += min(timings)
        total_bytes += len(output)
        reference = render(data, lossless, everything, RenderOptions()).data
        scores.append(
            ssimulacra2.score(
                pyvips.Image.new_from_buffer(reference, ""),
                pyvips.Image.new_from_buffer(output, ""),
            )
        )
    return total_bytes, cpu_ms, statistics.mean(scores)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", default=DEFAULT_PHOTOS, help="comma list in " + str(PHOTOS))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    photos = [(PHOTOS / name).read_bytes() for name in args.photos.split(",")]
    print(f"photos: {args.photos}")
    print("| preset | effort | KiB | bytes vs first | CPU-ms | CPU vs first | SSIMULACRA2 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, case in CASES.items():
        first: tuple[int, float, float] | None = None
        for level in case.levels:
            result = measure(photos, case, level, args.repeats)
            first = first or result
            print(
                f"| {name} | {case.effort} {level} | {result[0] / 1024:.1f} "
                f"| {result[0] / first[0]:.3f} | {result[1]:.0f} | {result[1] / first[1]:.2f} "
                f"| {result[2]:.2f} |"
            )


if __name__ == "__main__":
    main()
