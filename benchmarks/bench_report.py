"""RESULTS.md: the measured matrix, the ratios the issue asks for, and whether targets are met."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench_load import Measurement

RAW, ENLARGER, THUMBOR, SHARP = "raw pyvips", "enlarger", "thumbor", "sharp"
#: Enlarger's CPU per render may exceed raw pyvips by at most this fraction.
CPU_OVERHEAD_TARGET = 0.10
#: Enlarger req/s over thumbor req/s, per format.
THROUGHPUT_TARGETS = {"jpeg": 1.5, "png": 2.0, "webp": 1.7, "avif": 1.0}
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


def _ratio_lines(cells: Cells, formats: Sequence[str], concurrency: int) -> list[str]:
    """CPU per render one at a time (Enlarger c=1 vs raw c=1); req/s at ``concurrency``."""
    lines = [
        "| format | Enlarger CPU-ms / raw pyvips CPU-ms (both c=1) | within +10%? "
        "| Enlarger req/s / thumbor req/s | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for fmt in formats:
        raw, enl1 = _find(cells, RAW, fmt, 1), _find(cells, ENLARGER, fmt, 1)
        enl, thu = (_find(cells, e, fmt, concurrency) for e in (ENLARGER, THUMBOR))
        cpu, cpu_ok, speed, speed_ok = "n/a", "n/a", "n/a", "n/a"
        if raw and enl1:
            ratio = enl1.cpu_ms_per_request / raw.cpu_ms_per_request
            cpu, cpu_ok = f"{ratio:.2f}", _met(ratio <= 1 + CPU_OVERHEAD_TARGET)
        if enl and thu:
            ratio = enl.rps / thu.rps
            speed, speed_ok = f"{ratio:.2f}x", _met(ratio >= THROUGHPUT_TARGETS[fmt])
        lines.append(
            f"| {fmt} | {cpu} | {cpu_ok} | {speed} | >= {THROUGHPUT_TARGETS[fmt]}x | {speed_ok} |"
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
        "# Render benchmark: Enlarger vs raw pyvips vs thumbor",
        "",
        f"- Date: {info.date}",
        f"- Machine: {info.machine}",
        f"- Versions: {'; '.join(info.versions)}",
        f"- Command: `{info.command}`",
        f"- Work: fit inside 512x512 (imgix `w=512&h=512&fit=max`, thumbor `fit-in/512x512`, "
        f"pyvips `thumbnail_buffer(data, 512, height=512, size='down')`), {len(info.photos)} "
        f"photos in whole passes, {info.duration_s:g} s per cell after a one-pass warm-up; "
        f"HTTP engines at concurrency {info.concurrency}.",
        f"- Photos: {', '.join(info.photos)}",
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
        "| engine | format | conc | req/s | p50 ms | p95 ms | p99 ms | CPU-ms/req | cores busy "
        "| peak RSS MB/process | mean KiB | requests | client CPU-ms/req | status |",
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
