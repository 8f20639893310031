"""The body of ``POST /v1/images``: a multipart form (field ``file``), a raw body, or JSON
``{"url": ..., "callback_url": ...}``. ``callback_url`` may also be a form field or a
query parameter. The byte limit is enforced while the body streams in (413).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from enlarger.errors import ClientError, clipped
from enlarger.http.body_limit import limited
from enlarger.http.json_body import MAX_JSON_BYTES, read_json

#: room for multipart boundaries and part headers on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class UploadBody:
    """Either the image's bytes (``data``) or a URL to import it from (``url``)."""

    data: bytes | None
    url: str | None
    callback_url: str | None


async def read_upload_body(request: Request, max_bytes: int) -> UploadBody:
    """Parse the request's body by its content type; ``max_bytes`` bounds the image."""
    content_type = _content_type(request)
    callback = request.query_params.get("callback_url")
    if content_type == "application/json":
        url, callback = await _json_import(request)
        return UploadBody(None, url, callback)
    if content_type == "multipart/form-data":
        form = limited(request, max_bytes + MULTIPART_OVERHEAD)
        data, callback = await _form_file(form, callback)
        return UploadBody(data, None, callback)
    return UploadBody(await limited(request, max_bytes).body(), None, callback)


def bytes_held(request: Request, max_bytes: int) -> int:
    """What reading and ingesting the request's upload may hold, known before its body is
    read: the declared length, else the limit; a URL import holds what it fetches."""
    limit = max_bytes + MULTIPART_OVERHEAD
    if _content_type(request) == "application/json":
        return MAX_JSON_BYTES + max_bytes
    declared = request.headers.get("content-length", "")
    return min(int(declared), limit) if declared.isdigit() else limit


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _json_import(request: Request) -> tuple[str, str | None]:
    document = await read_json(request)
    if not isinstance(document, dict):
        raise ClientError('expected a JSON object like {"url": "https://..."}')
    url, callback = document.get("url"), document.get("callback_url")
    if not isinstance(url, str) or not url:
        raise ClientError('missing field "url" (a string)', field="url")
    if callback is not None and not isinstance(callback, str):
        raise ClientError('field "callback_url" must be a string', field="callback_url")
    return url, callback


async def _form_file(request: Request, callback: str | None) -> tuple[bytes, str | None]:
    form = await parsed_form(request)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ClientError('missing form field "file" (the image)', field="file")
        field = form.get("callback_url")
        if isinstance(field, str) and field:
            callback = field
        return await upload.read(), callback
    finally:
        await form.close()


async def parsed_form(request: Request) -> FormData:
    """The request's multipart form (one file, a few fields; the caller closes it); a 400
    when it is malformed, whether or not Starlette's app is there to say so."""
    try:
        return await request.form(max_files=1, max_fields=8)
    except (MultiPartException, HTTPException) as exc:
        detail = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise ClientError(f"the multipart body is malformed: {clipped(detail)}") from None
