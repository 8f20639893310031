"""Optimizer benchmark: bytes saved, SSIMULACRA2 and time per image, beside standard tools.

    python benchmarks/optimize.py [--photos DIR] [--limit 4] [--max-side 2000]
                                  [--output benchmarks/OPTIMIZE_RESULTS.md]

On the first ``--limit`` JPEGs of ``--photos`` whose longer side is at most ``--max-side``,
and on the PNGs of ``--photos`` and ``tests/fixtures`` under that size:

* **lossless**: Enlarger's lossless optimizer beside ``jpegtran -optimize -progressive
  -copy none`` (JPEG) and ``oxipng -o 2`` (PNG; the pyoxipng module at level 2 when no
  ``oxipng`` CLI is installed). A missing tool is named in the output, never skipped quietly.
* **lossy** (JPEGs): a fixed q80 save (libvips, optimised Huffman, metadata stripped)
  beside Enlarger's search aimed, per image, at that image's own q80 SSIMULACRA2 score,
  so each of our outputs scores at least as well as its q80 save. Target: at most 0.75x
  the bytes on average.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import oxipng
import pyvips

from enlarger.imaging.ssimulacra2 import score
from enlarger.optimize import Optimized, optimize, parse_options

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "fixtures"


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    megapixels: float
    size: int
    ours: int
    ours_s: float
    tool: int | None
    tool_s: float


def _timed(run: object) -> tuple[bytes, float]:
    started = time.perf_counter()
    data: bytes = run()  # type: ignore[operator]
    return data, time.perf_counter() - started


def jpegtran(data: bytes) -> bytes | None:
    binary = shutil.which("jpegtran")
    if binary is None:
        return None
    args = [binary, "-optimize", "-progressive", "-copy", "none"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def oxipng_o2(data: bytes, path: Path) -> bytes:
    binary = shutil.which("oxipng")
    if binary is None:
        return bytes(oxipng.optimize_from_memory(data, level=2))
    args = [binary, "-o", "2", "--strip", "safe", "--stdout", str(path)]
    return subprocess.run(args, capture_output=True, check=True).stdout


def lossless_rows(paths: list[Path]) -> list[Row]:
    rows = []
    for path in paths:
        data = path.read_bytes()
        image = pyvips.Image.new_from_buffer(data, "")
        ours, ours_s = _timed(lambda d=data: optimize(d, parse_options({})).data)
        if path.suffix == ".png":
            tool, tool_s = _timed(lambda d=data, p=path: oxipng_o2(d, p))
            tool_size: int | None = len(tool)
        else:
            tool_out, tool_s = _timed(lambda d=data: jpegtran(d) or b"")
            tool_size = len(tool_out) or None
        mp = image.width * image.height / 1e6
        rows.append(Row(path.name, mp, len(data), len(ours), ours_s, tool_size, tool_s))
    return rows


def q80_save(source: pyvips.Image) -> bytes:
    """The fixed baseline: libvips' ``jpegsave Q=80`` with optimised Huffman tables. libvips
    selects mozjpeg's fastest profile unless asked otherwise, so this is libjpeg-turbo's
    save: Annex K tables, 4:2:0 (libvips' default below Q90), no trellis, baseline scans."""
    return bytes(source.jpegsave_buffer(Q=80, optimize_coding=True, keep="none"))


def _timed_optimize(data: bytes, options: dict[str, object]) -> tuple[Optimized, float]:
    started = time.perf_counter()
    result = optimize(data, parse_options(options))
    return result, time.perf_counter() - started


def lossy_table(paths: list[Path]) -> list[str]:
    """Per photo: the q80 save, our JPEG search at its score, and ``format: auto``."""
    lines = [
        "Target per photo: its own q80 save's SSIMULACRA2 score (ours must score at least that).",
        "",
        "| photo | MP | q80 bytes | q80 score | JPEG bytes | score | quality | ratio | s/MP"
        " | auto bytes | format | score | ratio | s/MP |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios: dict[str, list[float]] = {"jpeg": [], "auto": []}
    per_mp: dict[str, list[float]] = {"jpeg": [], "auto": []}
    scores: dict[str, list[float]] = {"q80": [], "jpeg": [], "auto": []}
    for path in paths:
        data = path.read_bytes()
        source = pyvips.Image.new_from_buffer(data, "").copy_memory()
        fixed = q80_save(source)
        fixed_score = score(source, pyvips.Image.new_from_buffer(fixed, ""))
        target = max(30.0, math.ceil(fixed_score * 10) / 10)
        mp = source.width * source.height / 1e6
        cells = [f"{path.name} | {mp:.2f} | {len(fixed)} | {fixed_score:.1f}"]
        scores["q80"].append(fixed_score)
        for name, extra in (("jpeg", {}), ("auto", {"format": "auto"})):
            result, took = _timed_optimize(data, {"lossy": True, "target": target, **extra})
            ratio = len(result.data) / len(fixed)
            ratios[name].append(ratio)
            per_mp[name].append(took / mp)
            scores[name].append(result.score)
            cells.append(_cells(name, result, ratio, took / mp))
        lines.append(f"| {' | '.join(cells)} |")
    lines += [
        "",
        f"Mean bytes ratio to q80: JPEG **{statistics.mean(ratios['jpeg']):.2f}**, "
        f"`format: auto` **{statistics.mean(ratios['auto']):.2f}** (target <= 0.75); mean "
        f"score q80 {statistics.mean(scores['q80']):.1f}, JPEG "
        f"{statistics.mean(scores['jpeg']):.1f}, auto {statistics.mean(scores['auto']):.1f}; "
        f"lossy time JPEG {statistics.mean(per_mp['jpeg']):.1f} s/MP, auto "
        f"{statistics.mean(per_mp['auto']):.1f} s/MP.",
    ]
    return lines


def _cells(name: str, result: Optimized, ratio: float, s_per_mp: float) -> str:
    how = str(result.quality) if name == "jpeg" else result.format
    if name == "jpeg":
        return f"{len(result.data)} | {result.score:.1f} | {how} | {ratio:.2f} | {s_per_mp:.1f}"
    return f"{len(result.data)} | {how} | {result.score:.1f} | {ratio:.2f} | {s_per_mp:.1f}"


def lossless_table(rows: list[Row], tool: str) -> list[str]:
    lines = [
        f"| image | MP | input | ours | saved | s | {tool} | saved | s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        tool_cells = (
            f"{r.tool} | {100 * (1 - r.tool / r.size):.1f}% | {r.tool_s:.2f}"
            if r.tool
            else "missing | | "
        )
        lines.append(
            f"| {r.name} | {r.megapixels:.2f} | {r.size} | {r.ours} | "
            f"{100 * (1 - r.ours / r.size):.1f}% | {r.ours_s:.2f} | {tool_cells} |"
        )
    return lines


def pick(folder: Path, suffix: str, max_side: int, limit: int) -> list[Path]:
    found = []
    for path in sorted(folder.glob(f"*{suffix}")):
        image = pyvips.Image.new_from_file(str(path))
        if max(image.width, image.height) <= max_side:
            found.append(path)
    return found[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--limit", type=int, default=4)
    parser.add_argument("--max-side", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=HERE / "OPTIMIZE_RESULTS.md")
    args = parser.parse_args()
    jpegs = pick(args.photos, ".jpg", args.max_side, args.limit)
    pngs = pick(args.photos, ".png", args.max_side, args.limit) + pick(FIXTURES, ".png", 2000, 3)
    oxipng_name = "oxipng -o 2" if shutil.which("oxipng") else "oxipng -o 2 (pyoxipng level 2)"
    jpegtran_name = "jpegtran" if shutil.which("jpegtran") else "jpegtran (MISSING)"
    lines = [
        "# Optimizer benchmark",
        "",
        f"Photos: {', '.join(p.name for p in jpegs)}; PNGs: {', '.join(p.name for p in pngs)}.",
        "",
        "## Lossless JPEG",
        "",
        *lossless_table(lossless_rows(jpegs), jpegtran_name),
        "",
        "## Lossless PNG",
        "",
        *lossless_table(lossless_rows(pngs), oxipng_name),
        "",
        "## Lossy JPEG",
        "",
        *lossy_table(jpegs),
        "",
    ]
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
