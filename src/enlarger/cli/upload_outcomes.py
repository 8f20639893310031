"""What ``enlarger upload`` did with each file, and how it reports that (text or JSON)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import typer

from enlarger.cli.conversion import ConversionTally

Outcome = Literal["uploaded", "duplicate", "rejected", "skipped"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One file's outcome; ``reason`` says why it was rejected or skipped, ``image_id`` what
    it is stored as."""

    outcome: Outcome
    reason: str = ""
    image_id: str | None = None


#: uploads one file.
Sender = Callable[[Path], Awaitable[Sent]]

#: why a file in a folder is not sent.
NOT_AN_IMAGE_NAME = "not an image file name (folders contribute only image extensions)"


@dataclass
class Summary:
    #: every file named or found, with its outcome, in the order they finished.
    files: list[tuple[Path, Sent]] = field(default_factory=list)
    #: None when nothing was converted here (``--server``, ``--no-convert``).
    conversion: ConversionTally | None = None

    def add(self, path: Path, sent: Sent) -> None:
        self.files.append((path, sent))

    def of(self, outcome: Outcome) -> list[tuple[Path, Sent]]:
        return sorted((item for item in self.files if item[1].outcome == outcome), key=_path)

    @property
    def image_ids(self) -> set[str]:
        """The images uploaded or found as duplicates."""
        return {sent.image_id for _, sent in self.files if sent.image_id is not None}

    @property
    def failed(self) -> bool:
        return bool(self.of("rejected")) or (
            self.conversion is not None and self.conversion.failed > 0
        )


def _path(item: tuple[Path, Sent]) -> Path:
    return item[0]


def print_text(summary: Summary) -> None:
    """Which file became which image, what was skipped or rejected and why, then totals."""
    for path, sent in summary.of("uploaded"):
        typer.echo(f"{path} -> {sent.image_id or '(stored)'}")
    for path, sent in summary.of("duplicate"):
        typer.echo(
            f"{path} -> {sent.image_id or '(stored)'} (duplicate: same bytes already stored)"
        )
    for path, sent in summary.of("skipped"):
        typer.echo(f"{path}: skipped: {sent.reason}")
    typer.echo(f"uploaded:           {len(summary.of('uploaded'))}")
    typer.echo(f"duplicates skipped: {len(summary.of('duplicate'))}")
    typer.echo(f"rejected:           {len(summary.of('rejected'))}")
    for path, sent in summary.of("rejected"):
        typer.echo(f"  {path}: {sent.reason}")
    if summary.conversion is not None:
        typer.echo(f"presets converted:  {summary.conversion.converted}")
        typer.echo(f"presets failed:     {summary.conversion.failed}")


def print_json(summary: Summary) -> None:
    """One JSON document on stdout: each file's outcome, image id and reason, and totals."""
    document: dict[str, Any] = {
        "files": [
            {"path": str(path), "outcome": sent.outcome, "id": sent.image_id, "reason": sent.reason}
            for path, sent in sorted(summary.files, key=_path)
        ],
        "totals": {
            outcome: len(summary.of(outcome))
            for outcome in ("uploaded", "duplicate", "rejected", "skipped")
        },
    }
    if summary.conversion is not None:
        document["presets"] = {
            "converted": summary.conversion.converted,
            "failed": summary.conversion.failed,
        }
    typer.echo(json.dumps(document, indent=2))
