"""Open an object store from a storage URL (``StorageSettings.storage_url`` / ``replica_url``).

Accepted forms:

* ``""``: ``DATA_DIR/objects``;
* a bare path (``/srv/objects``, ``./objects``) or ``file:///abs/dir``: a local folder,
  created if missing;
* ``s3://bucket[/prefix][?key=value&...]``: any S3-compatible service. Query keys:
  ``endpoint`` (``http://`` endpoints are allowed automatically), ``region``,
  ``access_key_id``, ``secret_access_key``, ``session_token``, ``virtual_hosted``
  (bool), ``allow_http`` (bool), ``max_retries`` (int), ``timeout`` and
  ``connect_timeout`` (seconds). Whatever the URL leaves out comes from the ``AWS_*``
  environment variables, as obstore reads them.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from obstore.exceptions import BaseError
from obstore.store import LocalStore, S3Store

from enlarger.errors import ConfigError
from enlarger.storage.obstore_store import ObstoreStore
from enlarger.storage.protocol import ObjectStore
from enlarger.storage.replicated import ReplicatedStore

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig, S3Config

    from enlarger.settings import Settings

_S3_CONFIG_KEYS = {
    "endpoint": "endpoint",
    "region": "region",
    "access_key_id": "access_key_id",
    "secret_access_key": "secret_access_key",
    "session_token": "session_token",
}
_S3_OPTION_KEYS = {"virtual_hosted", "allow_http", "max_retries", "timeout", "connect_timeout"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

#: obstore's default retries for up to 3 minutes, far too long for a replica that is down.
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_TIMEOUT = timedelta(seconds=15)
DEFAULT_CONNECT_TIMEOUT = timedelta(seconds=5)
DEFAULT_TIMEOUT = timedelta(seconds=60)


def open_store(url: str, data_dir: Path) -> ObjectStore:
    """The store that ``url`` names; ``ConfigError`` when the URL cannot be used."""
    if not url.strip():
        return _local(data_dir / "objects")
    parts = urlsplit(url)
    if parts.scheme == "s3":
        return _s3(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            raise ConfigError(f"storage URL {url!r}: expected file:///absolute/directory")
        return _local(Path(unquote(parts.path)))
    if parts.scheme:
        raise ConfigError(
            f"storage URL {_redact(url)!r}: unsupported scheme {parts.scheme!r}; "
            "expected a path, file:///dir or s3://bucket/prefix"
        )
    return _local(Path(url))


def open_configured(settings: Settings) -> ObjectStore:
    """The store the settings name, replicated when ``replica_url`` is set."""
    primary = open_store(settings.storage.storage_url, settings.data_dir)
    if not settings.storage.replica_url:
        return primary
    secondary = open_store(settings.storage.replica_url, settings.data_dir)
    return ReplicatedStore(primary, secondary)


def _local(directory: Path) -> ObstoreStore:
    directory = directory.expanduser().resolve()
    try:
        store = LocalStore(directory, mkdir=True, automatic_cleanup=True)
    except (BaseError, OSError) as exc:
        raise ConfigError(f"storage directory {directory} cannot be used: {exc}") from exc
    return ObstoreStore(store, directory.as_uri())


def _s3(url: str) -> ObstoreStore:
    parts = urlsplit(url)
    bucket = parts.hostname
    if not bucket or parts.username or parts.password or parts.port:
        raise ConfigError(
            f"storage URL {_redact(url)!r}: expected s3://bucket/prefix "
            "(credentials go in the query or AWS_* variables)"
        )
    query = _query(url, parts.query)
    config: S3Config = {}
    for name, key in _S3_CONFIG_KEYS.items():
        if name in query:
            config[key] = query[name]  # type: ignore[literal-required]
    if "virtual_hosted" in query:
        config["virtual_hosted_style_request"] = _bool(url, "virtual_hosted", query)
    endpoint = query.get("endpoint", "")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"storage URL {_redact(url)!r}: endpoint must be http:// or https://")
    allow_http = (
        _bool(url, "allow_http", query) if "allow_http" in query else endpoint.startswith("http:")
    )
    client: ClientConfig = {
        "allow_http": allow_http,
        "connect_timeout": _seconds(url, "connect_timeout", query, DEFAULT_CONNECT_TIMEOUT),
        "timeout": _seconds(url, "timeout", query, DEFAULT_TIMEOUT),
    }
    retry: RetryConfig = {
        "max_retries": _int(url, "max_retries", query, DEFAULT_MAX_RETRIES),
        "retry_timeout": DEFAULT_RETRY_TIMEOUT,
    }
    prefix = parts.path.strip("/")
    try:
        store = S3Store(
            bucket,
            prefix=unquote(prefix) or None,
            config=config,
            client_options=client,
            retry_config=retry,
        )
    except (BaseError, ValueError) as exc:
        raise ConfigError(f"storage URL {_redact(url)!r}: {exc}") from exc
    where = f"s3://{bucket}/{prefix}".rstrip("/")
    return ObstoreStore(store, f"{where} ({endpoint})" if endpoint else where)


def _query(url: str, raw: str) -> dict[str, str]:
    pairs = parse_qsl(raw, keep_blank_values=True)
    names = [name for name, _ in pairs]
    unknown = sorted(set(names) - set(_S3_CONFIG_KEYS) - _S3_OPTION_KEYS)
    if unknown:
        allowed = ", ".join(sorted({*_S3_CONFIG_KEYS, *_S3_OPTION_KEYS}))
        raise ConfigError(
            f"storage URL {_redact(url)!r}: unknown option(s) {', '.join(unknown)}; "
            f"expected {allowed}"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"storage URL {_redact(url)!r}: repeated {', '.join(repeated)}")
    return dict(pairs)


def _bool(url: str, name: str, query: dict[str, str]) -> bool:
    value = query[name].lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ConfigError(f"storage URL {_redact(url)!r}: {name} must be true or false")


def _int(url: str, name: str, query: dict[str, str], default: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"storage URL {_redact(url)!r}: {name} must be a whole number >= 0")
    return value


def _seconds(url: str, name: str, query: dict[str, str], default: timedelta) -> timedelta:
    if name not in query:
        return default
    try:
        value = float(query[name])
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"storage URL {_redact(url)!r}: {name} must be seconds > 0")
    return timedelta(seconds=value)


def _redact(url: str) -> str:
    """The URL without its query, where secrets may live."""
    return url.split("?", 1)[0]
