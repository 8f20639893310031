"""The ``convert`` job: render every preset of an uploaded image and store the derivatives.

A preset with ``auto=format`` (and no ``fm``) is rendered once per negotiable format this
libvips writes (AVIF, WebP) and once for clients that take neither (JPEG, or PNG with
alpha); ``/i/<id>/<preset>`` picks among them by ``Accept``. The presets render on the
render threads all jobs share (``JobContext.renders``), side by side when other job slots
are idle.

Idempotent: derivatives live at deterministic keys (overwritten with equal bytes on a
re-run) and their rows are upserted per (image, preset, format), so running a job twice,
or again after a worker died half-way, leaves one derivative per preset and format.

An image deleted while its conversion runs: the job stops before its next preset, and
once its objects are written it records them only if the image row is still there, holding
that row until it commits (a concurrent delete waits and then removes them with the
rest). When the row is gone the job deletes what it wrote, so no derivative outlives its
image, and ends as a permanent failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from enlarger.catalog.derivatives import DerivativeRecord, replace_preset
from enlarger.catalog.images import get_image, image_exists
from enlarger.imaging import render, writable_formats
from enlarger.jobs.protocol import ClaimedJob, PermanentJobError
from enlarger.jobs.registry import HandlerRegistry, JobContext
from enlarger.presets import spec_hash
from enlarger.services import preset_options
from enlarger.spec.canonical import canonical
from enlarger.spec.model import RenderSpec
from enlarger.spec.negotiate import variant_accepts
from enlarger.storage.keys import derivative_key
from enlarger.storage.protocol import ObjectStore

KIND = "convert"
Output = tuple[DerivativeRecord, bytes, str]


def register(registry: HandlerRegistry) -> None:
    registry.register(KIND, convert)


def convert(context: JobContext, job: ClaimedJob) -> None:
    image_id = job.image_id or job.payload.get("image_id")
    with context.sessions() as session:
        image = get_image(session, image_id) if isinstance(image_id, str) else None
        if image is None:
            raise PermanentJobError(f"image {image_id!r} is not in the catalog")
        image_id, sha256, original_key = image.id, image.sha256, image.original_key
    store = context.store
    original = context.run_async(store.get(original_key))
    options = preset_options(context.settings)
    writable = writable_formats()

    def preset_outputs(preset: str, spec: RenderSpec) -> list[Output]:
        if not _still_there(context, image_id):
            raise _deleted(image_id)
        canonical_spec = canonical(spec)
        outputs = []
        for accepted in variant_accepts(spec.output, writable):
            rendered = render(original, spec, accepted, options)
            key = derivative_key(
                sha256, preset, spec_hash(canonical_spec), rendered.format.extension
            )
            record = DerivativeRecord(
                preset=preset,
                canonical_spec=canonical_spec,
                object_key=key,
                format=rendered.format.value,
                width=rendered.width,
                height=rendered.height,
                bytes=len(rendered.data),
            )
            outputs.append((record, rendered.data, rendered.media_type))
        return outputs

    outputs = _each_preset(context, preset_outputs)
    written = [output for rows in outputs.values() for output in rows]
    context.run_async(_put_all(store, written))
    with context.sessions.begin() as session:
        recorded = image_exists(session, image_id, lock=True)
        if recorded:
            for preset, rows in outputs.items():
                replace_preset(session, image_id, preset, [record for record, _, _ in rows])
    if not recorded:
        context.run_async(_delete_all(store, written))
        raise _deleted(image_id)


def _each_preset(
    context: JobContext, work: Callable[[str, RenderSpec], list[Output]]
) -> dict[str, list[Output]]:
    """``work`` for every preset on the shared render threads; the first failure cancels
    the presets not started yet and is raised."""
    futures = {
        preset: context.renders.submit(work, preset, spec)
        for preset, spec in context.presets.items()
    }
    try:
        return {preset: future.result() for preset, future in futures.items()}
    except BaseException:
        for future in futures.values():
            future.cancel()
        raise


def _still_there(context: JobContext, image_id: str) -> bool:
    with context.sessions() as session:
        return image_exists(session, image_id)


def _deleted(image_id: str) -> PermanentJobError:
    return PermanentJobError(f"image {image_id!r} was deleted during its conversion")


async def _put_all(store: ObjectStore, outputs: Sequence[Output]) -> None:
    async with asyncio.TaskGroup() as group:
        for record, data, media_type in outputs:
            group.create_task(store.put(record.object_key, data, content_type=media_type))


async def _delete_all(store: ObjectStore, outputs: Sequence[Output]) -> None:
    async with asyncio.TaskGroup() as group:
        for record, _, _ in outputs:
            group.create_task(store.delete(record.object_key))
