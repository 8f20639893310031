"""A libvips warning in the server's log names the source it came from."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.support.processes import serving

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _corrupt_jpeg() -> bytes:
    """The rocket with a stretch of its entropy-coded data overwritten: it still decodes,
    and libjpeg warns about it."""
    data = bytearray((FIXTURES / "skimage_rocket.jpg").read_bytes())
    for at in range(60_000, 60_050):
        data[at] = 0xFF if at % 7 == 0 else 0x13
    return bytes(data)


def test_a_libvips_warning_names_its_source(tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    originals.mkdir()
    (originals / "damaged.jpg").write_bytes(_corrupt_jpeg())
    log = tmp_path / "stderr.log"
    args = ["--originals", str(originals), "--port", "0", "--data-dir", str(tmp_path)]
    with serving(args, {}, log) as running:
        response = httpx.get(f"{running.url}/damaged.jpg?w=50", timeout=30)
    assert response.status_code == 200
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    warnings = [line for line in lines if "Corrupt JPEG data" in line.get("event", "")]
    assert warnings, log.read_text()[-2000:]
    assert all(line["source"] == "damaged.jpg" for line in warnings)
