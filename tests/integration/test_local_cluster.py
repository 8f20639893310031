"""``deploy/local-cluster`` as a user runs it: nginx, two nodes, a worker, SeaweedFS, the
local PostgreSQL and RabbitMQ. The nodes share the store, the catalog and the queue: an
upload through one renders through the other, a result rendered on one is a result-store
hit on the other, a node killed under load costs no request nginx can retry, and jobs
queued while the worker is down are done once it is back. nginx's edge cache keys a
negotiated render on what Accept allows."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.local_cluster.launch import missing
from tests.support.images import fixture
from tests.support.polling import wait_until
from tests.support.processes import run_cli
from tests.support.render_app import decoded
from tests.support.services import require

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local-cluster"
ROCKET = fixture("skimage_rocket.jpg")


@dataclass
class LocalCluster:
    run: Path
    nginx: str
    nodes: dict[str, str]  # node-a, node-b -> URL
    api_key: str

    def script(self, *args: str) -> str:
        done = subprocess.run(
            [str(SCRIPT), "--run-dir", str(self.run), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def log(self, part: str) -> str:
        return (self.run / "logs" / f"{part}.log").read_text(errors="replace")

    def upload(self, base: str) -> dict[str, Any]:
        name = f"{uuid.uuid4().hex}.jpg"  # a new image: the bytes change with a comment
        data = ROCKET[:2] + b"\xff\xfe\x00\x22" + uuid.uuid4().hex.encode() + ROCKET[2:]
        response = httpx.post(
            f"{base}/v1/images",
            files={"file": (name, data, "image/jpeg")},
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=60,
        )
        assert response.status_code == 201, response.text
        image: dict[str, Any] = response.json()
        return image


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    problems = missing(None)
    require(not problems, "the local cluster cannot start: " + "; ".join(problems))
    root = tmp_path_factory.mktemp("cluster")
    originals = root / "photos"
    originals.mkdir()
    (originals / "rocket.jpg").write_bytes(ROCKET)
    run = root / "run"
    started = subprocess.run(
        [str(SCRIPT), "--run-dir", str(run), "start", "--originals", str(originals)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    try:
        assert started.returncode == 0, started.stderr
        lines = dict(line.split(": ", 1) for line in started.stdout.splitlines())
        nginx = lines["nginx"].split()[0]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", nginx)
        nodes = {name: lines[name].split()[0] for name in ("node-a", "node-b")}
        config = run / "enlarger.toml"
        key = run_cli(["keys", "create", "cluster-test", "--config", str(config)], env={})
        api_key = re.search(r"enl_\S+", key)
        assert api_key is not None, key
        yield LocalCluster(run, nginx, nodes, api_key[0])
    finally:
        subprocess.run([str(SCRIPT), "--run-dir", str(run), "stop"], timeout=120, check=False)
    assert not (run / "cluster.json").exists()


def test_an_upload_through_node_a_renders_through_node_b(cluster: LocalCluster) -> None:
    image = cluster.upload(cluster.nodes["node-a"])
    response = httpx.get(f"{cluster.nodes['node-b']}/i/{image['id']}?w=64&fm=png", timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert decoded(response.content).width == 64


def test_a_result_rendered_on_a_is_a_store_hit_on_b(cluster: LocalCluster) -> None:
    query = f"w=90&fm=webp&q={40 + uuid.uuid4().int % 50}"
    on_a = httpx.get(f"{cluster.nodes['node-a']}/rocket.jpg?{query}", timeout=60)
    on_b = httpx.get(f"{cluster.nodes['node-b']}/rocket.jpg?{query}", timeout=60)
    assert on_a.headers["x-enlarger-cache"] == "miss"
    assert on_b.headers["x-enlarger-cache"] == "store"
    assert on_b.content == on_a.content
    assert on_b.headers["etag"] == on_a.headers["etag"]
    logged = [json.loads(line) for line in cluster.log("node-b").splitlines() if '"query"' in line]
    answered = [entry["cache"] for entry in logged if entry["query"] == query]
    assert answered == ["store"]


def test_killing_a_node_under_load_loses_no_request(cluster: LocalCluster) -> None:
    widths = list(range(40, 240))  # each a new render: every request reaches a node

    def fetch(width: int) -> tuple[int, int]:
        response = httpx.get(f"{cluster.nginx}/rocket.jpg?w={width}&fm=jpg", timeout=60)
        size = decoded(response.content).width if response.status_code == 200 else 0
        return response.status_code, size

    before = cluster.log("nginx-access").count("\n")
    with ThreadPoolExecutor(8) as pool:
        results = pool.map(fetch, widths)
        wait_until(lambda: cluster.log("nginx-access").count("\n") > before + 30, "load")
        cluster.script("stop", "--part", "node-a", "--kill")
        answers = list(results)
    try:
        assert answers == [(200, width) for width in widths]
        served = cluster.log("nginx-access").splitlines()[before:]
        retried = [line for line in served if re.search(r"node=\S+, \S+ node_status=", line)]
        assert retried  # at least one request met the dead node and went on to the next
    finally:
        cluster.script("start", "--part", "node-a")


def test_the_worker_picks_up_jobs_queued_while_it_was_down(cluster: LocalCluster) -> None:
    headers = {"Authorization": f"Bearer {cluster.api_key}"}

    def statuses(image_id: str) -> set[str]:
        shown = httpx.get(f"{cluster.nginx}/v1/images/{image_id}", headers=headers, timeout=30)
        return {preset["status"] for preset in shown.json()["presets"].values()}

    cluster.script("stop", "--part", "worker")
    try:
        image = cluster.upload(cluster.nginx)
        thumb = f"{cluster.nginx}/i/{image['id']}/thumb"
        time.sleep(2)  # time enough for a running worker to convert it
        assert statuses(image["id"]) == {"pending"}
        assert httpx.get(thumb, timeout=30).status_code == 404
    finally:
        cluster.script("start", "--part", "worker")

    def converted() -> bool:
        return statuses(image["id"]) == {"ready"}

    wait_until(converted, "the restarted worker to convert the upload", 90)
    response = httpx.get(thumb, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert decoded(response.content).size == (200, 200)


def test_the_edge_caches_negotiated_renders_by_what_accept_allows(cluster: LocalCluster) -> None:
    url = f"{cluster.nginx}/rocket.jpg?w=70&auto=format&q={1 + uuid.uuid4().int % 99}"

    def get(accept: str) -> tuple[str, str]:
        response = httpx.get(url, headers={"Accept": accept}, timeout=60)
        assert response.status_code == 200
        assert decoded(response.content).width == 70
        return response.headers["content-type"], response.headers["x-edge-cache"]

    assert get("image/webp,*/*") == ("image/webp", "MISS")
    assert get("text/html,image/webp;q=0.9,*/*;q=0.8") == ("image/webp", "HIT")
    assert get("image/avif,image/webp,*/*") == ("image/avif", "MISS")
    assert get("image/avif;q=0,image/webp") == ("image/webp", "HIT")
    assert get("*/*") == ("image/jpeg", "MISS")
