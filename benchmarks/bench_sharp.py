"""A bare Node ``http`` + sharp server (``sharp/server.js``): the libvips limit.

``sharp/package.json`` pins sharp; ``npm install`` in ``benchmarks/sharp`` fetches it (its
prebuilt libvips included), as ``tests/node`` is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bench_formats import OutputFormat
from bench_procs import ServerGroup, ServerProcess

SHARP_DIR = Path(__file__).resolve().parent / "sharp"


def unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (SHARP_DIR / "node_modules" / "sharp").is_dir():
        return "sharp is not installed: run `npm install` in benchmarks/sharp"
    return None


def version() -> str:
    script = "console.log(JSON.stringify(require('sharp').versions))"
    out = subprocess.run(
        ["node", "-e", script], cwd=SHARP_DIR, capture_output=True, text=True, check=True
    )
    versions = json.loads(out.stdout)
    return f"sharp {versions['sharp']} (libvips {versions['vips']})"


def sharp_server(work: Path, photos: Path, port: int) -> ServerGroup:
    server = ServerProcess(
        name="sharp",
        argv=["node", str(SHARP_DIR / "server.js"), str(photos.resolve()), str(port)],
        port=port,
        cwd=SHARP_DIR,
        env={},
        log_path=work / "sharp.log",
    )
    return ServerGroup("sharp", [server])


def sharp_path(photo_name: str, fmt: OutputFormat, box: int) -> str:
    quality = fmt.imgix_query.partition("q=")[2] or "80"
    return f"/{photo_name}?w={box}&h={box}&fm={fmt.name}&q={quality}"
