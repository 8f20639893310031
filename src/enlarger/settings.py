"""Typed settings, one frozen dataclass per subsystem, read from a TOML file and the environment.

Precedence (highest first): explicit overrides (command-line options), environment
variables, the TOML file, the defaults below. Field names are unique across sections, so
every field has one environment variable: ``ENLARGER_`` + the field name in capitals
(``ENLARGER_PORT``, ``ENLARGER_ORIGINALS``, ``ENLARGER_SIGN_KEY``, ``ENLARGER_STORAGE_URL``).
In TOML each field lives in its section (``[server] port = 8080``); presets are the
``[presets]`` table of name -> imgix query string.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from enlarger.errors import ConfigError

ENV_PREFIX = "ENLARGER_"
DEFAULT_DATA_DIR = Path("enlarger-data")


@dataclasses.dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    #: libvips threads working at once (the render pool); 0 means one per CPU.
    render_threads: int = 0
    #: requests allowed to wait for a render thread before new ones get 429.
    render_queue: int = 64
    #: seconds a request may take in all before it gets 503.
    deadline_s: float = 30.0
    cache_control: str = "public, max-age=31536000, immutable"
    #: value of Access-Control-Allow-Origin; empty disables the header.
    cors_origin: str = "*"
    #: run the embedded conversion worker inside ``enlarger serve``.
    embedded_worker: bool = True
    #: request line plus headers; a longer head is refused (431, or 414 in the request line).
    max_header_bytes: int = 32 * 1024
    #: the URL of the request line; a longer one is refused with 414.
    max_request_line_bytes: int = 8 * 1024
    #: seconds a connection may take to send a complete request head, from opening or
    #: from its previous request ending; then it is closed (idle and slowloris alike).
    header_timeout_s: float = 10.0
    #: seconds a request body may stop arriving before the connection is closed.
    body_idle_timeout_s: float = 30.0
    #: open connections at most; one more is answered 503 and closed.
    max_connections: int = 1000


@dataclasses.dataclass(frozen=True, slots=True)
class RenderSettings:
    #: a web folder served by relative path; None serves only uploaded images.
    originals: Path | None = None
    #: imgix-style signing key; when set every render URL must carry a valid ``s``.
    sign_key: str | None = None
    max_source_pixels: int = 50_000_000
    max_source_bytes: int = 100 * 1024 * 1024
    max_output_side: int = 8192
    #: AVIF encoder effort for live renders (libvips default 4 takes seconds).
    avif_effort: int = 2
    #: libvips worker threads per render (0: one per CPU); the render pool runs renders
    #: side by side, so one each keeps a busy server from oversubscribing its cores.
    vips_concurrency: int = 1
    #: cap on glibc malloc arenas (0: glibc's default of 8 per core), bounding memory.
    malloc_arenas: int = 2


@dataclasses.dataclass(frozen=True, slots=True)
class StorageSettings:
    #: ``file:///abs/dir`` or ``s3://bucket/prefix?endpoint=...``; empty: DATA_DIR/objects.
    storage_url: str = ""
    #: optional second store that every upload is also written to before it is acknowledged.
    replica_url: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogSettings:
    #: SQLAlchemy URL; empty: SQLite in DATA_DIR/catalog.sqlite3.
    database_url: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class JobSettings:
    #: ``embedded`` (durable in the catalog database) or ``rabbitmq``.
    queue_engine: str = "embedded"
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672//"
    max_attempts: int = 5
    #: a claimed job whose worker stops heartbeating is claimed again after this long.
    job_lease_s: float = 60.0
    #: jobs a worker process runs at once (0: one per CPU); with one libvips thread per
    #: render (``vips_concurrency``) the slots are what keeps the cores busy.
    worker_slots: int = 0
    #: retry backoff: about ``retry_base_s * 2**(attempt-1)`` seconds with jitter, capped.
    retry_base_s: float = 2.0
    retry_cap_s: float = 300.0
    #: name of the RabbitMQ work queue; ``.delay`` and ``.dead`` queues are derived from it.
    queue_name: str = "enlarger.jobs"
    #: extra modules (comma-separated) whose ``register(registry)`` adds job kinds.
    handler_modules: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class IngestSettings:
    max_upload_bytes: int = 100 * 1024 * 1024
    #: let URL imports reach loopback/private addresses (never in production).
    allow_private_urls: bool = False
    fetch_timeout_s: float = 15.0
    keep_gps: bool = False
    #: the public base of render URLs in API responses; empty: derived from the request.
    public_url: str = ""
    #: HMAC-SHA256 key that signs webhook events; empty: events are sent unsigned.
    webhook_secret: str = ""


DEFAULT_PRESETS: Mapping[str, str] = {
    "thumb": "w=200&h=200&fit=crop&fm=webp",
    "small": "w=480&fit=max&fm=webp",
    "medium": "w=1080&fit=max&fm=jpg&q=80",
    "large": "w=2048&fit=max&fm=jpg&q=82",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    server: ServerSettings = ServerSettings()
    render: RenderSettings = RenderSettings()
    storage: StorageSettings = StorageSettings()
    catalog: CatalogSettings = CatalogSettings()
    jobs: JobSettings = JobSettings()
    ingest: IngestSettings = IngestSettings()
    presets: Mapping[str, str] = dataclasses.field(default_factory=lambda: dict(DEFAULT_PRESETS))

    @classmethod
    def load(
        cls,
        config_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Self:
        """Build settings from a TOML file, the environment and explicit overrides.

        ``overrides`` maps field names (any section) to already-typed values; ``None``
        values are ignored so command-line options can be passed straight through.
        """
        env = os.environ if environ is None else environ
        config_file = config_file or _path_or_none(env.get(ENV_PREFIX + "CONFIG"))
        toml = _read_toml(config_file) if config_file else {}
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        unknown = set(given) - _all_field_names()
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        sections: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "presets":
                sections["presets"] = _presets(toml.get("presets", DEFAULT_PRESETS))
            elif f.name == "data_dir":
                raw = given.get("data_dir", env.get(ENV_PREFIX + "DATA_DIR", toml.get("data_dir")))
                sections["data_dir"] = Path(raw) if raw is not None else DEFAULT_DATA_DIR
            else:
                section_type = typing.get_type_hints(cls)[f.name]
                table = toml.get(f.name, {})
                if not isinstance(table, dict):
                    raise ConfigError(f"config: [{f.name}] must be a table")
                sections[f.name] = _section(section_type, f.name, table, env, given)
        return cls(**sections)


def _all_field_names() -> set[str]:
    names = {"data_dir"}
    for f in dataclasses.fields(Settings):
        if dataclasses.is_dataclass(f.default):
            names.update(sf.name for sf in dataclasses.fields(f.default))
    return names


def _path_or_none(raw: str | None) -> Path | None:
    return Path(raw) if raw else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _presets(table: object) -> dict[str, str]:
    if not isinstance(table, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise ConfigError("config: [presets] must map names to query strings")
    return dict(table)


def _section(
    section_type: Any,
    section: str,
    table: Mapping[str, Any],
    env: Mapping[str, str],
    given: Mapping[str, Any],
) -> Any:
    hints = typing.get_type_hints(section_type)
    unknown = set(table) - set(hints)
    if unknown:
        raise ConfigError(f"config: unknown key(s) in [{section}]: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, hint in hints.items():
        env_name = ENV_PREFIX + name.upper()
        if name in given:
            values[name] = given[name]
        elif env_name in env:
            values[name] = _convert(hint, env[env_name], env_name)
        elif name in table:
            values[name] = _convert(hint, table[name], f"[{section}] {name}")
    return section_type(**values)


def _convert(hint: Any, raw: object, where: str) -> object:
    """Convert a TOML value or an environment string to the field's declared type."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        if raw in ("", None):
            return None
        (hint,) = (a for a in args if a is not type(None))
    try:
        if hint is bool:
            return _to_bool(raw)
        if hint in (int, float, str, Path):
            if hint in (int, float) and isinstance(raw, bool):
                raise ValueError(raw)
            return hint(raw)
    except (TypeError, ValueError):
        pass
    else:
        raise ConfigError(f"{where}: unsupported setting type {hint}")
    raise ConfigError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {raw!r}")


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)
