"""Presets that follow their configuration: queue the conversions that added or changed
presets need for images converted before.

A derivative row records the canonical spec it was rendered from; an image whose
derivatives do not cover every configured preset with its current spec (and, for an
``auto=format`` preset, with its negotiable formats as well as the fallback) is outdated.
``queue_outdated`` gives each such image one convert job (none when one is already
queued or running), in one transaction; ``enlarger presets sync`` runs it. Until the job
has run, the outdated preset is not served (``/i/<id>/<preset>`` is 404 ``outdated``).
"""

from __future__ import annotations

from collections.abc import Mapping

from enlarger.catalog.derivatives import PresetVersion, images_lacking
from enlarger.catalog.jobs import FINISHED, enqueue, latest_jobs
from enlarger.catalog.types import Session
from enlarger.ingest.image_views import CONVERT_JOB
from enlarger.spec.canonical import canonical
from enlarger.spec.model import RenderSpec
from enlarger.spec.negotiate import variants_needed


def queue_outdated(session: Session, presets: Mapping[str, RenderSpec]) -> dict[str, str]:
    """Queue a convert job for every outdated image; image id -> the job that converts it
    (newly queued, or the one already waiting)."""
    current = {
        name: PresetVersion(canonical(spec), variants_needed(spec.output))
        for name, spec in presets.items()
    }
    outdated = images_lacking(session, current)
    waiting = {
        image_id: job.id
        for image_id, job in latest_jobs(session, outdated, CONVERT_JOB).items()
        if job.status not in FINISHED
    }
    for image_id in outdated:
        if image_id not in waiting:
            job = enqueue(session, CONVERT_JOB, {"image_id": image_id}, image_id=image_id)
            waiting[image_id] = job.id
    return waiting
