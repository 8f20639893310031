"""Enlarger's ``enlarger serve`` as a subprocess with the photos folder as its originals.

The embedded conversion worker is switched off so that only the render path spends CPU.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path

from bench_formats import OutputFormat
from bench_procs import ServerGroup, ServerProcess


def unavailable_reason() -> str | None:
    """Why ``enlarger serve`` cannot run here, or None when it can."""
    enlarger = shutil.which("enlarger")
    if enlarger is None:
        return "the enlarger command is not installed"
    result = subprocess.run(
        [enlarger, "serve", "--help"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        return f"`enlarger serve --help` failed: {lines[-1]}"
    return None


def version() -> str:
    return importlib.metadata.version("enlarger")


def enlarger_server(
    work: Path,
    photos: Path,
    port: int,
    processes: int = 1,
    env: dict[str, str] | None = None,
    executable: str | None = None,
    name: str = "enlarger",
) -> ServerGroup:
    """``enlarger serve`` on ``photos``; ``env`` adds ``ENLARGER_*`` settings, ``executable``
    runs another installation (an older revision, side by side)."""
    data_dir = work / f"{name}-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    enlarger = executable or shutil.which("enlarger") or "enlarger"
    server = ServerProcess(
        name=name,
        argv=[enlarger, "serve", "--originals", str(photos.resolve()), "--port", str(port)],
        port=port,
        cwd=work,
        env={
            "ENLARGER_DATA_DIR": str(data_dir),
            "ENLARGER_EMBEDDED_WORKER": "false",
            "ENLARGER_PROCESSES": str(processes),
            **(env or {}),
        },
        log_path=work / f"{name}.log",
    )
    return ServerGroup(name, [server])


def enlarger_path(photo_name: str, fmt: OutputFormat, box: int) -> str:
    return f"/{photo_name}?w={box}&h={box}&fit=max&{fmt.imgix_query}"
