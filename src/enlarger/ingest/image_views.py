"""The JSON views of images in API responses and webhook events: an image's facts, its
latest conversion job and each preset's URL and status (``ready``, ``pending``, ``failed``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from enlarger.catalog.derivatives import derivatives_of
from enlarger.catalog.jobs import latest_jobs
from enlarger.catalog.models import Derivative, Image, Job, JobStatus
from enlarger.catalog.types import Session
from enlarger.spec.canonical import canonical
from enlarger.spec.model import RenderSpec
from enlarger.spec.negotiate import variants_needed

CONVERT_JOB = "convert"


def render_base(public_url: str, image_id: str) -> str:
    return f"{public_url.rstrip('/')}/i/{image_id}"


def preset_status(
    presets: Mapping[str, RenderSpec], derivatives: Iterable[Derivative], job: Job | None
) -> dict[str, str]:
    """Each preset's status: ``ready`` once stored with its current spec; else ``failed``
    if the conversion finally failed, ``pending`` while one is queued or running, and
    ``outdated`` when the image was converted before the preset was added or changed
    (``enlarger presets sync`` queues its conversion). A stored derivative of an older
    spec is never ``ready``."""
    current = {name: canonical(spec) for name, spec in presets.items()}
    stored = Counter(d.preset for d in derivatives if current.get(d.preset) == d.canonical_spec)
    ready = {name for name, spec in presets.items() if stored[name] >= variants_needed(spec.output)}
    if job is not None and job.status == JobStatus.FAILED:
        waiting = "failed"
    elif job is not None and job.status == JobStatus.DONE:
        waiting = "outdated"
    else:
        waiting = "pending"
    return {name: "ready" if name in ready else waiting for name in presets}


def latest_convert_job(session: Session, image_id: str) -> Job | None:
    return latest_jobs(session, [image_id], CONVERT_JOB).get(image_id)


def image_json(
    session: Session, image: Image, presets: Mapping[str, RenderSpec], public_url: str
) -> dict[str, Any]:
    """Everything a client learns about ``image``, with each preset's URL and status."""
    return images_json(session, [image], presets, public_url)[0]


def images_json(
    session: Session, images: Sequence[Image], presets: Mapping[str, RenderSpec], public_url: str
) -> list[dict[str, Any]]:
    """``image_json`` of each of ``images``, in the same number of queries for any count."""
    ids = [image.id for image in images]
    jobs = latest_jobs(session, ids, CONVERT_JOB)
    derivatives = derivatives_of(session, ids)
    return [
        _view(image, presets, public_url, derivatives.get(image.id, []), jobs.get(image.id))
        for image in images
    ]


def _view(
    image: Image,
    presets: Mapping[str, RenderSpec],
    public_url: str,
    derivatives: list[Derivative],
    job: Job | None,
) -> dict[str, Any]:
    base = render_base(public_url, image.id)
    status = preset_status(presets, derivatives, job)
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
