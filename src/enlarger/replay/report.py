"""A replay's summary as text (the terminal) and as DIR/report.md with DIR/replay.png."""

from __future__ import annotations

from pathlib import Path

from enlarger.imaging.chart import Panel, Series, line_chart
from enlarger.replay.stats import Summary

CHART = "replay.png"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def summary_lines(summary: Summary) -> list[str]:
    latency = ", ".join(f"p{p} {v:.1f} ms" for p, v in summary.latency_ms.items())
    errors = ", ".join(f"{status or 'transport'}: {n}" for status, n in summary.errors.items())
    layers = ", ".join(f"{layer} {n}" for layer, n in summary.layers.items())
    return [
        f"requests: {summary.requests} in {summary.duration_s:.1f} s "
        f"({summary.throughput:.1f} req/s)",
        f"latency: {latency}",
        f"errors: {errors or 'none'}",
        f"hit ratio: {_ratio(summary.hit_ratio)} ({layers or 'no X-Enlarger-Cache'})",
        f"p95 of hits: {_ms(summary.hit_p95_ms)}; p95 of misses: {_ms(summary.miss_p95_ms)}",
    ]


def timeline_rows(summary: Summary) -> list[str]:
    rows = ["| from (s) | requests | hit ratio | p50 | p95 |", "|---:|---:|---:|---:|---:|"]
    for b in summary.timeline:
        rows.append(
            f"| {b.start_s:.1f} | {b.requests} | {_ratio(b.hit_ratio)} | {b.p50_ms:.1f} | "
            f"{b.p95_ms:.1f} |"
        )
    return rows


def write_report(folder: Path, summary: Summary, heading: list[str]) -> Path:
    """Write ``report.md`` and its chart into ``folder``; the report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHART).write_bytes(chart(summary))
    lines = [
        "# Replay report",
        "",
        *(f"- {line}" for line in heading),
        "",
        "## Summary",
        "",
        *(f"- {line}" for line in summary_lines(summary)),
        "",
        "## Over time",
        "",
        f"![latency and hit ratio]({CHART})",
        "",
        *timeline_rows(summary),
        "",
    ]
    report = folder / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report


def chart(summary: Summary) -> bytes:
    middle = [(b.start_s, b) for b in summary.timeline]
    latency = Panel(
        "latency (ms)",
        [
            Series("p50", (30, 110, 200), [(x, b.p50_ms) for x, b in middle]),
            Series("p95", (220, 80, 40), [(x, b.p95_ms) for x, b in middle]),
        ],
    )
    ratio = Panel(
        "hit ratio (%)",
        [
            Series(
                "hits",
                (40, 150, 70),
                [(x, 100 * b.hit_ratio) for x, b in middle if b.hit_ratio is not None],
            )
        ],
        y_max=100.0,
    )
    return line_chart([latency, ratio], "seconds into the replay")
