"""Webhook events end to end: a real worker, a real receiver that fails before it succeeds."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from enlarger.catalog.models import Job, JobStatus, WebhookDelivery
from enlarger.jobs.worker import start_embedded_worker
from enlarger.services import Services
from enlarger.storage.keys import original_key
from enlarger.webhooks.delivery import post_event
from enlarger.webhooks.signing import SIGNATURE_HEADER, signature_header, verify
from tests.support.uploads import (
    PRESETS,
    WEBHOOK_SECRET,
    LocalServer,
    WorkerApp,
    api_client,
    build_upload_app,
    encoded,
    job_status,
    new_key,
    send,
    wait_for,
    worker_settings,
)

pytestmark = pytest.mark.anyio


def test_signature_round_trip_and_tampering() -> None:
    body = b'{"id":"evt_1"}'
    header = signature_header(WEBHOOK_SECRET, 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert verify(WEBHOOK_SECRET, header, body, now=1_700_000_100)
    assert not verify(WEBHOOK_SECRET, header, body + b" ", now=1_700_000_100)
    assert not verify("other", header, body, now=1_700_000_100)
    assert not verify(WEBHOOK_SECRET, header, body, now=1_700_000_000 + 301)  # replayed too late
    assert not verify(WEBHOOK_SECRET, "v1=abc", body, now=1_700_000_000)


def _deliveries(services: Services) -> list[WebhookDelivery]:
    with services.sessions() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


async def test_event_is_retried_until_the_receiver_accepts_it(
    with_worker: WorkerApp, local_server: LocalServer
) -> None:
    client, services = with_worker.client, with_worker.services
    answers = iter([send(500, b"down"), send(503, b"still down")])
    local_server.routes["/hook"] = lambda handler: next(answers, send(204))(handler)

    callback = local_server.url("/hook")
    response = await client.post(
        "/v1/images", content=encoded(colour=(7, 70, 140)), params={"callback_url": callback}
    )
    assert response.status_code == 201, response.text
    image = response.json()

    await wait_for(lambda: any(d.status_code == 204 for d in _deliveries(services)), 20)
    deliveries = _deliveries(services)
    assert [(d.attempt, d.status_code) for d in deliveries] == [(1, 500), (2, 503), (3, 204)]
    assert len({d.event_id for d in deliveries}) == 1
    assert all(d.url == callback and d.image_id == image["id"] for d in deliveries)
    assert deliveries[0].error == "the receiver answered HTTP 500"

    posts = [(headers, body) for path, headers, body in local_server.requests if path == "/hook"]
    assert len(posts) == 3
    headers, body = posts[-1]
    assert verify(WEBHOOK_SECRET, headers[SIGNATURE_HEADER], body, now=int(time.time()))
    assert headers["Content-Type"] == "application/json"
    event = json.loads(body)
    assert event["type"] == "image.ready"
    assert event["id"] == deliveries[0].event_id
    assert event["data"]["id"] == image["id"]
    assert {p["status"] for p in event["data"]["presets"].values()} == {"ready"}
    # the delivery row commits before the job's outcome: wait for the job to finish too
    await wait_for(lambda: _webhook_job(services).status != JobStatus.RUNNING, 20)
    hook_job = _webhook_job(services)
    assert (hook_job.status, hook_job.attempts) == (JobStatus.DONE, 3)


def _webhook_job(services: Services) -> Job:
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.kind == "webhook"))
        assert job is not None
        return job


async def test_a_receiver_that_never_accepts_fails_after_max_attempts(
    with_worker: WorkerApp, local_server: LocalServer
) -> None:
    client, services = with_worker.client, with_worker.services
    local_server.routes["/hook"] = send(500)
    response = await client.post(
        "/v1/images",
        content=encoded(colour=(1, 1, 1)),
        params={"callback_url": local_server.url("/hook")},
    )
    assert response.status_code == 201

    await wait_for(lambda: job_status(services, kind="webhook") == "failed", 20)
    assert [d.status_code for d in _deliveries(services)] == [500, 500, 500]


async def test_no_callback_no_event(with_worker: WorkerApp, local_server: LocalServer) -> None:
    client, services = with_worker.client, with_worker.services
    response = await client.post("/v1/images", content=encoded(colour=(2, 2, 2)))
    image_id = response.json()["id"]

    await wait_for(lambda: job_status(services, image_id=image_id) == "done", 20)
    with services.sessions() as session:
        assert session.scalar(select(Job).where(Job.kind == "webhook")) is None
    assert local_server.requests == []


async def test_a_conversion_that_finally_fails_sends_image_failed(
    tmp_path: Path, local_server: LocalServer
) -> None:
    settings = worker_settings(tmp_path / "data", retry_cap_s=0.1, max_attempts=2)
    app, services = build_upload_app(settings)
    local_server.routes["/hook"] = send(200)
    async with api_client(app, new_key(services)) as c:
        params = {"callback_url": local_server.url("/hook")}
        response = await c.post("/v1/images", content=encoded(colour=(9, 8, 7)), params=params)
    image = response.json()
    # the original vanishes before any worker runs: the conversion cannot succeed
    await services.store.delete(original_key(image["sha256"], "jpg"))
    worker = start_embedded_worker(settings, services.sessions, lambda: services.store)
    try:
        await wait_for(lambda: job_status(services, kind="webhook") == "done", 20)
    finally:
        worker.stop(timeout=10)
        services.close()
    assert job_status(services, kind="convert") == "failed"
    (_path, request_headers, body), *_ = local_server.requests
    event = json.loads(body)
    assert event["type"] == "image.failed"
    assert "original" in event["error"] or "object" in event["error"]
    assert event["data"]["presets"] == {
        name: {"url": f"/i/{image['id']}/{name}", "status": "failed"} for name in PRESETS
    }
    assert verify(WEBHOOK_SECRET, request_headers[SIGNATURE_HEADER], body, now=int(time.time()))


async def test_blocked_callbacks_are_permanent_failures_unreachable_ones_are_retried() -> None:
    blocked = await post_event(
        "http://10.0.0.1/hook", b"{}", secret="", allow_private=False, timeout_s=2
    )
    assert (blocked.status_code, blocked.permanent, blocked.succeeded) == (None, True, False)
    assert blocked.error is not None
    assert "private" in blocked.error
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = await post_event(
        f"http://127.0.0.1:{closed_port}/hook", b"{}", secret="", allow_private=True, timeout_s=2
    )
    assert (refused.status_code, refused.permanent) == (None, False)
    assert refused.error is not None
    assert refused.error.startswith("ConnectError")
