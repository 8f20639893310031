"""Where results go (this server's store, or the client's ``s3_store``) and the
Kraken-shaped answer that describes them.

Result files live at ``optimize/results/<optimization id>/<file name>`` and are served by
``GET /kraken/results/<id>/<file name>`` until they expire; an input waiting for its job
lives at ``optimize/inputs/<id>``.
"""

from __future__ import annotations

from typing import Any

from enlarger.errors import ClientError
from enlarger.optimize.process import Processed, ProcessedFile
from enlarger.optimize.request import OptimizeRequest
from enlarger.storage.protocol import ObjectStore
from enlarger.storage.s3_target import put_to_bucket

RESULTS = "optimize/results"
INPUTS = "optimize/inputs"
MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "avif": "image/avif",
    "gif": "image/gif",
}


def input_key(optimization_id: str) -> str:
    return f"{INPUTS}/{optimization_id}"


def result_prefix(optimization_id: str) -> str:
    return f"{RESULTS}/{optimization_id}"


def result_key(optimization_id: str, name: str) -> str:
    return f"{result_prefix(optimization_id)}/{name}"


def output_name(file_name: str, output: ProcessedFile, keep_extension: bool) -> str:
    """``photo.png`` optimized to WebP is ``photo.webp`` (``photo.png`` with
    ``keep_extension``); a resize set's files get their id in front: ``small-photo.webp``."""
    stem, dot, extension = file_name.rpartition(".")
    if not dot:
        stem, extension = file_name, ""
    ext = extension if keep_extension and extension else output.extension
    prefix = f"{output.resize_id}-" if output.resize_id else ""
    return f"{prefix}{stem}.{ext}"


async def store_results(
    store: ObjectStore,
    optimization_id: str,
    processed: Processed,
    request: OptimizeRequest,
    file_name: str,
    public_url: str,
) -> dict[str, Any]:
    """Write every output and return the Kraken answer (``results`` for a resize set)."""
    answers: dict[str, dict[str, Any]] = {}
    for output in processed.outputs:
        name = output_name(file_name, output, request.keep_extension)
        media_type = MEDIA_TYPES.get(output.extension, "application/octet-stream")
        data = output.optimized.data
        if request.s3 is not None:
            target = request.s3
            key = f"{target.path}/{name}" if target.path else name
            url = await put_to_bucket(
                bucket=target.bucket,
                region=target.region,
                access_key=target.key,
                secret_key=target.secret,
                endpoint=target.endpoint,
                key=key,
                data=data,
                content_type=media_type,
            )
        else:
            await store.put(result_key(optimization_id, name), data, content_type=media_type)
            url = f"{public_url}/kraken/results/{optimization_id}/{name}"
        answers[output.resize_id or ""] = _file_answer(processed, output, name, url)
    head: dict[str, Any] = {"success": True, "id": optimization_id}
    if request.resize_set:
        return {**head, "results": answers}
    return {**head, **answers[processed.outputs[0].resize_id or ""]}


def failure(optimization_id: str, error: ClientError | str) -> dict[str, Any]:
    message = error if isinstance(error, str) else error.message
    return {"success": False, "id": optimization_id, "message": message}


def saved_bytes(answer: dict[str, Any]) -> int:
    """Bytes saved by an answer: the sum over a resize set's files."""
    if not answer.get("success"):
        return 0
    files = answer["results"].values() if "results" in answer else [answer]
    return sum(int(item["saved_bytes"]) for item in files)


def _file_answer(
    processed: Processed, output: ProcessedFile, name: str, url: str
) -> dict[str, Any]:
    optimized = output.optimized
    return {
        "file_name": name,
        "original_size": optimized.input_size,
        "kraked_size": len(optimized.data),
        "saved_bytes": optimized.saved_bytes,
        "kraked_url": url,
        "original_width": processed.original_width,
        "original_height": processed.original_height,
        "kraked_width": optimized.width,
        "kraked_height": optimized.height,
        "format": optimized.format,
        "score": round(optimized.score, 2),
        "quality": optimized.quality,
        "met_target": optimized.met_target,
    }
