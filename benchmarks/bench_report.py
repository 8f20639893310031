"""RESULTS.md: the measured matrix, the ratios the issue asks for, and whether targets are met."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench_load import Measurement

RAW, ENLARGER, THUMBOR, SHARP = "raw pyvips", "enlarger", "thumbor", "sharp"
#: Enlarger's CPU per render may exceed raw pyvips by at most this fraction.
CPU_OVERHEAD_TARGET = 0.10
#: Enlarger req/s over thumbor req/s, per workload and format (issue 13, "Ahead of every
#: peer"): at the JPEG decode floor (fit512) parity; on the mixed sizes a lead.
THROUGHPUT_TARGETS = {
    "fit512": {"jpeg": 1.0, "png": 1.0, "webp": 1.0, "avif": 1.0},
    "mixed": {"jpeg": 1.5, "png": 2.0, "webp": 1.7, "avif": 2.5},
}
#: Enlarger req/s over sharp's, everywhere.
SHARP_TARGET = 1.0
#: Enlarger's output bytes over thumbor's, at most.
BYTES_TARGET = 1.15
RSS_TARGET_MB = 300.0


@dataclass(frozen=True, slots=True)
class RunInfo:
    date: str
    machine: str
    versions: Sequence[str]
    command: str
    photos: Sequence[str]
    skipped_photos: Sequence[str]
    duration_s: float
    concurrency: int
    mixed_photo: str = ""
    workloads: Sequence[str] = ("fit512",)


Cells = Mapping[tuple[str, str, int], Measurement]


def _row(m: Measurement) -> str:
    status = "ok" if m.ok else f"**FAILED** ({m.error_count} errors)"
    rss = " / ".join(f"{r:.0f}" for r in m.peak_rss_mb)
    client = f"{m.client_cpu_ms_per_request:.1f}" if m.client_cpu_s else "-"
    return (
        f"| {m.engine} | {m.fmt} | {m.concurrency} | {m.rps:.1f} | {m.latency_ms(50):.0f} | "
        f"{m.latency_ms(95):.0f} | {m.latency_ms(99):.0f} | {m.cpu_ms_per_request:.1f} | "
        f"{m.cores_busy:.2f} | "
        f"{rss} | {m.mean_bytes / 1024:.1f} | {m.requests} | {client} | {status} |"
    )


def _find(cells: Cells, engine: str, fmt: str, concurrency: int) -> Measurement | None:
    found = cells.get((engine, fmt, concurrency))
    return found if found is not None and found.ok else None


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _ratio_lines(cells: Cells, labels: Sequence[str], concurrency: int) -> list[str]:
    """Per workload and format: CPU per render one at a time (Enlarger c=1 over raw c=1);
    req/s at ``concurrency`` over thumbor's and sharp's; mean output bytes over thumbor's."""
    lines = [
        "| workload format | CPU-ms / raw (c=1) | req/s / thumbor | target | req/s / sharp "
        "| bytes / thumbor | bytes / sharp | met? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label in labels:
        workload, fmt = label.split(" ")
        target = THROUGHPUT_TARGETS[workload][fmt]
        raw, enl1 = _find(cells, RAW, label, 1), _find(cells, ENLARGER, label, 1)
        enl, thu, sha = (_find(cells, e, label, concurrency) for e in (ENLARGER, THUMBOR, SHARP))
        cpu = f"{enl1.cpu_ms_per_request / raw.cpu_ms_per_request:.2f}" if raw and enl1 else "n/a"
        met = []
        cols = []
        for peer, floor in ((thu, target), (sha, SHARP_TARGET)):
            if enl and peer:
                ratio = enl.rps / peer.rps
                cols.append(f"{ratio:.2f}x")
                met.append(ratio >= floor)
            else:
                cols.append("n/a")
        sizes = []
        for peer, ceiling in ((thu, BYTES_TARGET), (sha, None)):
            if enl and peer:
                ratio = enl.mean_bytes / peer.mean_bytes
                sizes.append(f"{ratio:.2f}")
                if ceiling is not None:
                    met.append(ratio <= ceiling)
            else:
                sizes.append("n/a")
        verdict = _met(all(met)) if met else "n/a"
        lines.append(
            f"| {label} | {cpu} | {cols[0]} | >= {target}x | {cols[1]} | {sizes[0]} "
            f"| {sizes[1]} | {verdict} |"
        )
    return lines


def _rss_line(cells: Cells) -> str:
    peaks = [max(m.peak_rss_mb) for (e, _, _), m in cells.items() if e == ENLARGER]
    if not peaks:
        return f"- Enlarger peak RSS per process < {RSS_TARGET_MB:.0f} MB: n/a (not measured)"
    peak = max(peaks)
    return (
        f"- Enlarger peak RSS per process < {RSS_TARGET_MB:.0f} MB: {peak:.0f} MB, "
        f"met: {_met(peak < RSS_TARGET_MB)}"
    )


def render_markdown(
    info: RunInfo,
    cells: Cells,
    formats: Sequence[str],
    unavailable: Mapping[str, str],
    notes: Sequence[str],
) -> str:
    lines = [
        "# Render benchmark: Enlarger vs raw pyvips vs thumbor vs sharp",
        "",
        f"- Date: {info.date}",
        f"- Machine: {info.machine}",
        f"- Versions: {'; '.join(info.versions)}",
        f"- Command: `{info.command}`",
        "- Work: fit inside a box, never enlarged (imgix `w=B&h=B&fit=max`, thumbor "
        "`fit-in/BxB`, sharp `fit: inside, withoutEnlargement`, pyvips "
        "`thumbnail_buffer(data, B, height=B, size='down')`), in whole passes, "
        f"{info.duration_s:g} s per cell after a one-pass warm-up; HTTP engines at "
        f"concurrency {info.concurrency}. Workloads: {', '.join(info.workloads)}.",
        f"- fit512: B = 512 on the photos {', '.join(info.photos)}",
        f"- mixed: B = 400, 600, ... 3400 on {info.mixed_photo}",
    ]
    if info.skipped_photos:
        lines.append(f"- Skipped (too large for this run): {', '.join(info.skipped_photos)}")
    lines += [
        "",
        "## Results",
        "",
        "CPU-ms/req: CPU time of the rendering processes (server process tree, or the "
        "benchmark process for raw pyvips) divided by requests; cores busy: that CPU time over the "
        "elapsed time (2 is all of this machine). Peak RSS: VmHWM of each "
        "rendering process, MB, highest so far in that engine's run. Client CPU-ms/req: what "
        "the load generator itself used (it shares the 2 cores with the server).",
        "",
        "| engine | workload format | conc | req/s | p50 ms | p95 ms | p99 ms | CPU-ms/req "
        "| cores busy | peak RSS MB/process | mean KiB | requests | client CPU-ms/req | status |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(m) for m in cells.values()]
    lines += ["", "## Ratios and targets", ""]
    lines += _ratio_lines(cells, formats, info.concurrency)
    lines += ["", _rss_line(cells)]
    if unavailable:
        lines += ["", "## Not measured", ""]
        lines += [f"- {what}: {why}" for what, why in unavailable.items()]
    failures = [m for m in cells.values() if not m.ok]
    if failures or notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in notes]
        for m in failures:
            lines += [f"- {m.engine} {m.fmt}: {m.error_count} failed: {'; '.join(m.errors)}"]
    return "\n".join(lines) + "\n"
