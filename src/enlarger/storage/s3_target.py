"""Writing one object to a client's own S3-compatible bucket (Kraken's ``s3_store``).

The credentials live only in the store object for the duration of the put; they are not
logged (the description names only the bucket) and not kept anywhere. A bucket that
refuses the write is the client's problem: 422 with the store's one-line reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from obstore.exceptions import BaseError
from obstore.store import S3Store

from enlarger.errors import FetchFailed
from enlarger.storage.obstore_store import ObstoreStore
from enlarger.storage.protocol import StorageError

if TYPE_CHECKING:
    from obstore.store import S3Config

TIMEOUT = timedelta(seconds=30)


async def put_to_bucket(
    *,
    bucket: str,
    region: str,
    access_key: str,
    secret_key: str,
    endpoint: str | None,
    key: str,
    data: bytes,
    content_type: str,
) -> str:
    """Put ``data`` at ``key`` in ``bucket``; returns the object's URL."""
    config: S3Config = {
        "region": region,
        "access_key_id": access_key,
        "secret_access_key": secret_key,
    }
    if endpoint:
        config["endpoint"] = endpoint
    try:
        raw = S3Store(
            bucket,
            config=config,
            client_options={
                "allow_http": bool(endpoint and endpoint.startswith("http:")),
                "timeout": TIMEOUT,
                "connect_timeout": timedelta(seconds=5),
            },
            retry_config={"max_retries": 2, "retry_timeout": TIMEOUT},
        )
    except (BaseError, ValueError) as exc:
        raise FetchFailed(f"s3_store: the bucket settings are not usable: {exc}") from None
    store = ObstoreStore(raw, f"s3://{bucket}")
    try:
        await store.put(key, data, content_type=content_type)
    except StorageError as exc:
        raise FetchFailed(f"s3_store: cannot write to bucket {bucket!r}: {exc}") from None
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}/{key}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"
