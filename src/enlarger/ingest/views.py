"""The JSON shape of an image in API responses and webhook events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enlarger.catalog.models import Derivative, Image, Job, JobStatus
from enlarger.catalog.repository import list_derivatives

CONVERT_JOB = "convert"


def render_base(public_url: str, image_id: str) -> str:
    return f"{public_url.rstrip('/')}/i/{image_id}"


def preset_status(
    presets: Iterable[str], derivatives: Iterable[Derivative], job: Job | None
) -> dict[str, str]:
    """``ready`` once stored; else ``failed`` if the conversion finally failed, or ``pending``."""
    ready = {d.preset for d in derivatives}
    waiting = "failed" if job is not None and job.status == JobStatus.FAILED else "pending"
    return {name: "ready" if name in ready else waiting for name in presets}


def latest_convert_job(session: Session, image_id: str) -> Job | None:
    query = (
        select(Job)
        .where(Job.image_id == image_id, Job.kind == CONVERT_JOB)
        .order_by(Job.created_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def image_json(
    session: Session, image: Image, presets: Mapping[str, str], public_url: str
) -> dict[str, Any]:
    """Everything a client learns about ``image``, with each preset's URL and status."""
    base = render_base(public_url, image.id)
    job = latest_convert_job(session, image.id)
    status = preset_status(presets, list_derivatives(session, image.id), job)
    return {
        "id": image.id,
        "sha256": image.sha256,
        "url": base,
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "bytes": image.bytes,
        "orientation": image.orientation,
        "alpha": image.has_alpha,
        "color_space": image.color_space,
        "exif": image.exif,
        "dominant_color": image.dominant_color,
        "blurhash": image.blurhash,
        "created_at": image.created_at.isoformat(),
        "job_id": None if job is None else job.id,
        "presets": {name: {"url": f"{base}/{name}", "status": s} for name, s in status.items()},
    }
