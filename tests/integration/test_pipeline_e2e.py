"""The upload/convert pipeline end to end with real processes of the ``enlarger`` command.

Embedded defaults (one ``enlarger serve``: SQLite, local objects, in-process worker) and
distributed (``serve`` without a worker, two ``enlarger worker --engine rabbitmq``, S3 on
SeaweedFS, PostgreSQL), each configured only the way the README tells operators to: a
TOML file and ``ENLARGER_*`` variables. Each kills a process with SIGKILL while a
conversion runs and then checks that every accepted upload still gets all its presets.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import Engine, create_engine, select

from enlarger.catalog.db import session_factory
from enlarger.catalog.models import Derivative, Job, JobStatus
from enlarger.jobs.runner import LOST_WORKER
from enlarger.settings import DEFAULT_PRESETS
from enlarger.storage import ObjectStore, open_store
from enlarger.storage.keys import DERIVATIVES, ORIGINALS, sha256_of_original
from tests.support.databases import empty_tables
from tests.support.processes import Running, run_cli, serving, working
from tests.support.rabbitmq import BROKER_URL
from tests.support.seaweedfs import SeaweedS3

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures"
SMALL_PHOTOS = (
    "skimage_rocket.jpg",
    "mate_storm_exif6_240.jpg",
    "skimage_chelsea_225.png",
    "plasma_icecold_rgba_320.png",
)
#: what the default presets make: (PIL format, width limit); "thumb" is a 200x200 crop.
DEFAULT_OUTPUTS = {
    "thumb": ("WEBP", 200),
    "small": ("WEBP", 480),
    "medium": ("JPEG", 1080),
    "large": ("JPEG", 2048),
}
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
#: big enough (2400x1600) that one conversion takes a good fraction of a second.
BIG_PHOTO_SIZE = (2400, 1600)
BIG_BATCH = 8
#: a killed worker's job is claimed again once its lease runs out.
LEASE_S = 2
READY_TIMEOUT_S = 45.0


def big_photos(count: int) -> list[bytes]:
    """Distinct noisy JPEGs (noise keeps the decoder busy; a square makes each unique)."""
    base = Image.merge("RGB", [Image.effect_noise(BIG_PHOTO_SIZE, s) for s in (30, 50, 70)])
    photos = []
    for n in range(count):
        photo = base.copy()
        photo.paste((40 * n % 256, 90, 200), (20 * n, 0, 20 * n + 64, 64))
        out = io.BytesIO()
        photo.save(out, "JPEG", quality=80)
        photos.append(out.getvalue())
    return photos


@dataclass
class Api:
    """The HTTP API of one running ``enlarger serve``."""

    client: httpx.Client

    def upload(self, name: str, data: bytes) -> dict[str, Any]:
        response = self.client.post("/v1/images", files={"file": (name, data)})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def image(self, image_id: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/images/{image_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_ready(self, ids: Sequence[str], logs_of: Running) -> list[dict[str, Any]]:
        """Poll until every preset of every image is ready; the images' JSON."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            images = [self.image(image_id) for image_id in ids]
            states = Counter(p["status"] for i in images for p in i["presets"].values())
            if set(states) == {"ready"}:
                return images
            if time.monotonic() > deadline:
                pytest.fail(
                    f"presets not ready after {READY_TIMEOUT_S}s: {dict(states)}\n"
                    f"{logs_of.log_tail()}"
                )
            time.sleep(0.2)


@contextmanager
def api(server: Running, key: str) -> Iterator[Api]:
    headers = {"authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield Api(client)


def decoded(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content))


def expected_size(preset: str, width: int, height: int) -> tuple[int, int]:
    _, limit = DEFAULT_OUTPUTS[preset]
    if preset == "thumb":
        return limit, limit
    scaled = min(limit, width)  # fit=max never enlarges
    return scaled, round(height * scaled / width)


def check_outputs(client: httpx.Client, image: dict[str, Any]) -> None:
    """Every preset URL serves its stored derivative; a render URL renders the original."""
    assert set(DEFAULT_PRESETS) == set(DEFAULT_OUTPUTS)
    width, height = image["width"], image["height"]
    for preset, entry in image["presets"].items():
        picture = decoded(client.get(entry["url"]))
        assert picture.format == DEFAULT_OUTPUTS[preset][0], preset
        got_w, got_h = picture.size
        want_w, want_h = expected_size(preset, width, height)
        assert got_w == want_w, (preset, picture.size, width, height)
        assert abs(got_h - want_h) <= 1, (preset, picture.size, width, height)
    render = decoded(client.get(f"/i/{image['id']}", params={"w": 100}))
    assert render.format == PIL_FORMATS[image["format"]]
    assert render.size[0] == 100
    assert abs(render.size[1] - round(100 * height / width)) <= 1


class Catalog:
    """Read-only looks at the catalog the processes share."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = session_factory(engine)

    def jobs(self, ids: Sequence[str]) -> dict[str, Job]:
        with self.sessions() as session:
            return {job.id: job for job in session.scalars(select(Job).where(Job.id.in_(ids)))}

    def derivatives(self) -> list[Derivative]:
        with self.sessions() as session:
            return list(session.scalars(select(Derivative)))


@contextmanager
def catalog_at(url: str) -> Iterator[Catalog]:
    # A plain engine: reads take no lock (SQLite WAL), not even from a paused writer.
    engine = create_engine(url)
    try:
        yield Catalog(engine)
    finally:
        engine.dispose()


def kill_mid_conversion(process: Running, catalog: Catalog, job_ids: Sequence[str]) -> set[str]:
    """SIGKILL ``process`` while it runs a job and others are done; the jobs it held.

    The process is paused before the last look, so the job seen running cannot finish
    between that look and the kill.
    """
    deadline = time.monotonic() + READY_TIMEOUT_S

    def held() -> set[str]:
        owner = str(process.pid)
        return {
            job.id
            for job in catalog.jobs(job_ids).values()
            if job.status == JobStatus.RUNNING
            and (job.lease_owner or "").split(":")[1:2] == [owner]
        }

    def started() -> bool:
        done = sum(j.status == JobStatus.DONE for j in catalog.jobs(job_ids).values())
        return 0 < done < len(job_ids)

    while time.monotonic() < deadline:
        if started() and held():
            process.pause()
            interrupted = held()
            if interrupted:
                process.kill()
                return interrupted
            process.resume()
        time.sleep(0.02)
    pytest.fail(f"never saw pid {process.pid} converting while other jobs were done")


def stored_keys(store: ObjectStore, prefix: str) -> dict[str, int]:
    async def listing() -> dict[str, int]:
        return {info.key: info.size async for info in store.list(prefix)}

    return asyncio.run(listing())


def check_one_original_per_sha(store: ObjectStore, images: Sequence[dict[str, Any]]) -> None:
    originals = Counter(sha256_of_original(key) for key in stored_keys(store, ORIGINALS))
    assert originals == Counter(image["sha256"] for image in images)
    assert max(originals.values()) == 1


def upload_small(client: Api) -> list[dict[str, Any]]:
    return [client.upload(name, (FIXTURES / name).read_bytes()) for name in SMALL_PHOTOS]


def check_jobs_done(
    catalog: Catalog, images: Sequence[dict[str, Any]], interrupted: set[str]
) -> None:
    jobs = catalog.jobs([image["job_id"] for image in images])
    assert {job.status for job in jobs.values()} == {JobStatus.DONE}
    for job_id in interrupted:
        assert jobs[job_id].attempts >= 2
        assert LOST_WORKER in [entry["error"] for entry in jobs[job_id].error_history]


def test_embedded_defaults_survive_kill_9_of_serve(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {"ENLARGER_DATA_DIR": str(data_dir), "ENLARGER_JOB_LEASE_S": str(LEASE_S)}
    key = run_cli(["keys", "create", "e2e"], env).strip()
    log = tmp_path / "serve.log"
    with catalog_at(f"sqlite:///{data_dir / 'catalog.sqlite3'}") as catalog:
        with serving(["--port", "0"], env, log) as server, api(server, key) as client:
            small = upload_small(client)
            for image in client.wait_ready([i["id"] for i in small], server):
                check_outputs(client.client, image)
            photos = big_photos(BIG_BATCH)
            big = [client.upload(f"big{n}.jpg", data) for n, data in enumerate(photos)]
            interrupted = kill_mid_conversion(server, catalog, [i["job_id"] for i in big])
        with serving(["--port", "0"], env, log) as server, api(server, key) as client:
            images = client.wait_ready([i["id"] for i in small + big], server)
            for image in images[len(small) :]:
                check_outputs(client.client, image)
            again = client.client.post("/v1/images", files={"file": ("again.jpg", photos[0])})
            assert again.status_code == 200
            assert again.json()["id"] == big[0]["id"]
        check_jobs_done(catalog, images, interrupted)
    check_one_original_per_sha(open_store("", data_dir), images)


def distributed_config(
    path: Path, s3: SeaweedS3, database_url: str, data_dir: Path
) -> tuple[str, str]:
    """A TOML file for serve and workers; the primary and the replica storage URLs."""
    primary, replica = s3.url(), s3.url()
    path.write_text(
        f"""data_dir = {json.dumps(str(data_dir))}

[server]
embedded_worker = false

[storage]
storage_url = {json.dumps(primary)}
replica_url = {json.dumps(replica)}

[catalog]
database_url = {json.dumps(database_url)}

[jobs]
queue_engine = "rabbitmq"
broker_url = {json.dumps(BROKER_URL)}
job_lease_s = {LEASE_S}
"""
    )
    return primary, replica


@pytest.mark.postgres
@pytest.mark.rabbitmq
@pytest.mark.seaweedfs
def test_distributed_survives_kill_9_of_a_worker(
    tmp_path: Path, seaweedfs: SeaweedS3, postgres_database: str, rabbitmq_queue: str
) -> None:
    empty_tables(postgres_database)
    config = tmp_path / "enlarger.toml"
    primary_url, replica_url = distributed_config(
        config, seaweedfs, postgres_database, tmp_path / "data"
    )
    # serve reads the file named by --config, the rest ENLARGER_CONFIG; all take the queue name
    # from the environment.
    env = {"ENLARGER_CONFIG": str(config), "ENLARGER_QUEUE_NAME": rabbitmq_queue}
    key = run_cli(["keys", "create", "e2e"], env).strip()
    with catalog_at(postgres_database) as catalog, ExitStack() as stack:
        serve_env = {"ENLARGER_QUEUE_NAME": rabbitmq_queue}
        serve_args = ["--config", str(config), "--port", "0"]
        server = stack.enter_context(serving(serve_args, serve_env, tmp_path / "serve.log"))
        client = stack.enter_context(api(server, key))
        uploaded = upload_small(client) + [
            client.upload(f"big{n}.jpg", data) for n, data in enumerate(big_photos(BIG_BATCH))
        ]
        # the workers start once every job is queued: started during the uploads, they
        # could finish every job before the kill looks for one of them converting
        workers = [
            stack.enter_context(working(["--engine", "rabbitmq"], env, tmp_path / f"w{n}.log"))
            for n in (1, 2)
        ]
        interrupted = kill_mid_conversion(workers[0], catalog, [i["job_id"] for i in uploaded])
        images = client.wait_ready([i["id"] for i in uploaded], workers[1])
        for image in images:
            check_outputs(client.client, image)
        check_jobs_done(catalog, images, interrupted)
        rows = {row.object_key: row.bytes for row in catalog.derivatives()}
    assert "job done" not in server.log.read_text()  # embedded_worker = false took effect
    primary, replica = open_store(primary_url, tmp_path), open_store(replica_url, tmp_path)
    assert len(rows) == len(images) * len(DEFAULT_PRESETS)
    assert stored_keys(primary, DERIVATIVES) == rows
    check_one_original_per_sha(primary, images)
    assert stored_keys(replica, "") == stored_keys(primary, "")
    lost = sorted(rows)[0]
    asyncio.run(replica.delete(lost))
    assert "copied to secondary: 1\n" in run_cli(["sync"], env)
    assert stored_keys(replica, "") == stored_keys(primary, "")
    assert asyncio.run(replica.get(lost)) == asyncio.run(primary.get(lost))
