"""``enlarger generate-log``, ``warm`` and ``replay`` against a real ``enlarger serve`` on
loopback: the report's numbers are the ones the server logged."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.support.processes import ENLARGER, Running, clean_env, run_cli, serving
from tests.support.render_app import FIXTURES

REQUESTS = 60


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    originals = tmp_path / "originals"
    (originals / "a").mkdir(parents=True)
    for n in range(3):
        shutil.copyfile(FIXTURES / "skimage_rocket.jpg", originals / "a" / f"rocket{n}.jpg")
    shutil.copyfile(FIXTURES / "plasma_icecold_rgba_320.png", originals / "plasma.png")
    args = ["--originals", str(originals), "--port", "0", "--data-dir", str(tmp_path / "data")]
    with serving(args, {"ENLARGER_EMBEDDED_WORKER": "false"}, tmp_path / "server.log") as running:
        yield running, originals


def logged_requests(log: Path) -> list[dict[str, object]]:
    lines = (json.loads(line) for line in log.read_text().splitlines() if line.startswith("{"))
    return [line for line in lines if line.get("event") == "request"]


def test_warm_then_replay_reports_what_the_server_logged(
    tmp_path: Path, server: tuple[Running, Path]
) -> None:
    running, originals = server
    log = tmp_path / "zipf.log"
    run_cli(["generate-log", str(originals), "-o", str(log), "--requests", str(REQUESTS)], {})
    assert len(log.read_text().splitlines()) == REQUESTS
    target = ["--target", running.url]
    warmed = run_cli(["warm", str(log), *target, "--hit-ratio", "0.8", "--concurrency", "2"], {})
    warm_count = len(logged_requests(running.log))
    assert re.search(r"warmed (\d+) of \1 URLs", warmed)
    report = tmp_path / "report"
    args = ["replay", str(log), *target, "--concurrency", "4", "--duration", "60"]
    printed = run_cli([*args, "--report", str(report)], {})

    served = logged_requests(running.log)[warm_count:]
    assert len(served) == REQUESTS
    assert f"requests: {REQUESTS} in" in printed
    layers = Counter(str(line["cache"]) for line in served)
    hits = sum(n for layer, n in layers.items() if layer != "miss")
    assert f"hit ratio: {hits / REQUESTS:.1%}" in printed
    for layer, n in layers.items():
        assert f"{layer} {n}" in printed
    assert "errors: none" in printed
    assert all(line["status"] == 200 for line in served)
    markdown = (report / "report.md").read_text()
    assert f"requests: {REQUESTS} in" in markdown
    assert "![latency and hit ratio](replay.png)" in markdown
    with Image.open(report / "replay.png") as chart:
        assert chart.format == "PNG"
        assert chart.size == (1000, 600)


def test_replay_refuses_a_target_that_is_not_loopback(tmp_path: Path) -> None:
    log = tmp_path / "one.log"
    log.write_text('{"event": "request", "method": "GET", "path": "/a.jpg", "query": ""}\n')
    args = ["replay", str(log), "--target", "http://example.com", "--report", str(tmp_path)]
    done = subprocess.run(
        [str(ENLARGER), *args], env=clean_env({}), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "refusing to send load to example.com" in done.stderr
    assert not (tmp_path / "report.md").exists()
