"""Typed settings, one frozen dataclass per subsystem, read from a TOML file and the environment.

Precedence (highest first): explicit overrides (command-line options), environment
variables, the TOML file, the defaults below. Field names are unique across sections, so
every field has one environment variable: ``ENLARGER_`` + the field name in capitals
(``ENLARGER_PORT``, ``ENLARGER_ORIGINALS``, ``ENLARGER_SIGN_KEY``, ``ENLARGER_STORAGE_URL``).
In TOML each field lives in its section (``[server] port = 8080``); presets are the
``[presets]`` table of name -> imgix query string.

Each section checks itself when it is built: a choice is an enum, a number has the range
its ``Annotated`` bound states, and a ``ConfigError`` names the field, its variable and
TOML key, and what was expected.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

from enlarger.errors import ConfigError
from enlarger.settings_origins import OriginMount as OriginMount
from enlarger.settings_origins import OriginSettings as OriginSettings
from enlarger.settings_sections import (
    AT_LEAST_ONE,
    COUNT,
    DEFAULT_DATA_DIR,
    ENV_PREFIX,
    PORT,
    POSITIVE,
    Bounds,
    Section,
    data_dir,
    path_or_none,
    read_toml,
    section_values,
)


class PngFilter(enum.StrEnum):
    """libvips' PNG row filters (``all`` tries each per row)."""

    NONE = "none"
    SUB = "sub"
    UP = "up"
    AVG = "avg"
    PAETH = "paeth"
    ALL = "all"


class QueueEngine(enum.StrEnum):
    #: durable in the catalog database.
    EMBEDDED = "embedded"
    RABBITMQ = "rabbitmq"


class UnknownParams(enum.StrEnum):
    """What a render URL's parameters this server does not know get."""

    #: a 400 naming the parameter.
    ERROR = "error"
    #: rendered without them; the response's ``Enlarger-Ignored-Params`` header lists them.
    IGNORE = "ignore"


@dataclasses.dataclass(frozen=True, slots=True)
class ServerSettings(Section):
    TABLE: ClassVar[str] = "server"
    host: str = "127.0.0.1"
    port: Annotated[int, PORT] = 8080
    #: libvips threads working at once (the render pool); 0 means one per CPU.
    render_threads: Annotated[int, COUNT] = 0
    #: server processes sharing the port (``enlarger serve --processes``); render
    #: threads left at 0 are shared out among them, one runs the embedded worker.
    processes: Annotated[int, AT_LEAST_ONE] = 1
    #: requests allowed to wait for a render thread before new ones get 429.
    render_queue: Annotated[int, COUNT] = 64
    #: the longest a request may expect to wait for a render thread (the renders ahead of
    #: it times their measured average, over the threads); beyond it, 429 at once. 0: off.
    render_wait_s: Annotated[float, COUNT] = 5.0
    #: pixels the admitted renders may cost together (``spec/cost.py``: source bytes / 3,
    #: decoded pixels, output pixels, heavy encoders 8x); beyond it a request waits in the
    #: queue, unread. One render alone is always admitted. 0: no limit.
    render_pixels_in_flight: Annotated[int, COUNT] = 32_000_000
    #: bytes of uploads held at once (declared length, or the upload limit); beyond it
    #: ``POST /v1/images`` gets 429 before its body is read. 0: no limit.
    upload_bytes_in_flight: Annotated[int, COUNT] = 256 * 1024 * 1024
    #: seconds a request may take in all before it gets 503.
    deadline_s: Annotated[float, POSITIVE] = 30.0
    cache_control: str = "public, max-age=31536000, immutable"
    #: value of Access-Control-Allow-Origin; empty disables the header.
    cors_origin: str = "*"
    #: run the embedded conversion worker inside ``enlarger serve``.
    embedded_worker: bool = True
    #: request line plus headers; a longer head is refused (431, or 414 in the request line).
    max_header_bytes: Annotated[int, AT_LEAST_ONE] = 32 * 1024
    #: the URL of the request line; a longer one is refused with 414.
    max_request_line_bytes: Annotated[int, AT_LEAST_ONE] = 8 * 1024
    #: seconds a connection may take to send a complete request head, from opening or
    #: from its previous request ending; then it is closed (idle and slowloris alike).
    header_timeout_s: Annotated[float, POSITIVE] = 10.0
    #: seconds a request body may stop arriving before the connection is closed.
    body_idle_timeout_s: Annotated[float, POSITIVE] = 30.0
    #: open connections at most; one more is answered 503 and closed.
    max_connections: Annotated[int, AT_LEAST_ONE] = 1000
    #: seconds SIGTERM waits for in-flight requests before cancelling them (renders stop).
    shutdown_grace_s: Annotated[int, AT_LEAST_ONE] = 30


@dataclasses.dataclass(frozen=True, slots=True)
class RenderSettings(Section):
    TABLE: ClassVar[str] = "render"
    #: a web folder served by relative path; None serves only uploaded images.
    originals: Path | None = None
    #: imgix-style signing key; when set every render URL must carry a valid ``s``.
    sign_key: str | None = None
    #: ``ignore`` eases a move from imgix: parameters Enlarger lacks are skipped, not a 400.
    unknown_params: UnknownParams = UnknownParams.ERROR
    #: let ``mark``, ``blend`` and ``mask`` name absolute http(s) URLs, fetched like a web
    #: origin (``[origin]``'s SSRF guard, host allow-list, limits and cache); off: 400.
    overlay_urls: bool = False
    max_source_pixels: Annotated[int, AT_LEAST_ONE] = 50_000_000
    max_source_bytes: Annotated[int, AT_LEAST_ONE] = 100 * 1024 * 1024
    max_output_side: Annotated[int, AT_LEAST_ONE] = 8192
    #: encoder effort, chosen by measurement (benchmarks/RESULTS.md, "Encoder settings"):
    #: optimised JPEG Huffman tables save 7-18% of bytes for about 2x the encode time;
    #: an output over ``jpeg_optimize_coding_max_pixels`` streams with standard tables
    #: (optimising makes the encoder hold 5.5 bytes a pixel, 22 MB at 4 MP: 2560x1600).
    jpeg_optimize_coding: bool = True
    jpeg_optimize_coding_max_pixels: Annotated[int, AT_LEAST_ONE] = 4_000_000
    #: PNG zlib level and row filter (none, sub, up, avg, paeth, all).
    png_compression: Annotated[int, Bounds(0, 9)] = 2
    png_filter: PngFilter = PngFilter.SUB
    webp_effort: Annotated[int, Bounds(0, 6)] = 2
    #: JPEG shrink-on-load by the largest factor that is no smaller than the output, as
    #: thumbor and sharp do: up to 4x fewer pixels decoded, with some loss of detail
    #: (moiré on fine patterns); off keeps libvips' margin for its resampling kernel.
    fast_shrink_on_load: bool = False
    #: the largest output area: a bigger render is a 400 before any pixel is decoded.
    max_output_pixels: Annotated[int, AT_LEAST_ONE] = 40_000_000
    #: AVIF encoder effort for live renders (libvips default 4 takes seconds).
    avif_effort: Annotated[int, Bounds(0, 9)] = 0
    #: output pixels above which lossless WebP, AVIF and GIF renders are refused (400).
    max_heavy_output_pixels: Annotated[int, AT_LEAST_ONE] = 8_000_000
    #: libvips worker threads per render (0: one per CPU); the render pool runs renders
    #: side by side, so one each keeps a busy server from oversubscribing its cores.
    vips_concurrency: Annotated[int, COUNT] = 1
    #: cap on glibc malloc arenas (0: glibc's default of 8 per core), bounding memory.
    malloc_arenas: Annotated[int, COUNT] = 2
    #: glibc's mmap threshold in bytes, fixed (0: glibc's, which grows to 32 MB and then
    #: keeps large freed buffers resident); benchmarks/MEMORY.md.
    malloc_mmap_threshold: Annotated[int, COUNT] = 131072
    #: glibc's trim threshold in bytes, fixed (0: glibc's): free memory at the top of an
    #: arena beyond it goes back to the system at once, whatever the render pool keeps.
    malloc_trim_threshold: Annotated[int, COUNT] = 0
    #: what glibc may keep free in its arenas after a render for the next ones to reuse
    #: (the server's, shared out among its processes; 0: everything back after each).
    #: Defaults sized for 300 MB; with memory to spare, 96 MB kept and a trim threshold
    #: of 8 MB take 10-15% off a JPEG render's CPU, 10 MB more (benchmarks/MEMORY.md).
    malloc_keep_free_bytes: Annotated[int, COUNT] = 48 * 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class ConvertSettings(Section):
    """Encoder effort for the presets the convert job stores, in place of ``[render]``'s:
    a stored derivative is encoded once and served many times, so it is worth more CPU
    than a live render (benchmarks/RESULTS.md, "Encoder effort for stored presets")."""

    TABLE: ClassVar[str] = "convert"
    #: against a live render's 2: 4-5% fewer bytes for 1-3% more of a preset's CPU (6: 6-8%
    #: for 8-20% more).
    convert_webp_effort: Annotated[int, Bounds(0, 6)] = 4
    #: against a live render's 0: 9% fewer bytes for 2.1-2.6x the CPU (4: 17%, but 17x: 5 s
    #: for one 1080 px preset).
    convert_avif_effort: Annotated[int, Bounds(0, 9)] = 2
    #: zlib level, against a live render's 2: 9% fewer bytes for 2x the CPU (9: 13%, 10x).
    convert_png_compression: Annotated[int, Bounds(0, 9)] = 6


@dataclasses.dataclass(frozen=True, slots=True)
class StorageSettings(Section):
    TABLE: ClassVar[str] = "storage"
    #: ``file:///abs/dir`` or ``s3://bucket/prefix?endpoint=...``; empty: DATA_DIR/objects.
    storage_url: str = ""
    #: optional second store that every upload is also written to before it is acknowledged.
    replica_url: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogSettings(Section):
    TABLE: ClassVar[str] = "catalog"
    #: SQLAlchemy URL; empty: SQLite in DATA_DIR/catalog.sqlite3.
    database_url: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class JobSettings(Section):
    TABLE: ClassVar[str] = "jobs"
    queue_engine: QueueEngine = QueueEngine.EMBEDDED
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672//"
    max_attempts: Annotated[int, AT_LEAST_ONE] = 5
    #: a claimed job whose worker stops heartbeating is claimed again after this long.
    job_lease_s: Annotated[float, POSITIVE] = 60.0
    #: jobs a worker process runs at once (0: one per CPU); with one libvips thread per
    #: render (``vips_concurrency``) the slots are what keeps the cores busy.
    worker_slots: Annotated[int, COUNT] = 0
    #: retry backoff: about ``retry_base_s * 2**(attempt-1)`` seconds with jitter, capped.
    retry_base_s: Annotated[float, POSITIVE] = 2.0
    retry_cap_s: Annotated[float, POSITIVE] = 300.0
    #: name of the RabbitMQ work queue; ``.delay`` and ``.dead`` queues are derived from it.
    queue_name: str = "enlarger.jobs"
    #: extra modules (comma-separated) whose ``register(registry)`` adds job kinds.
    handler_modules: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class IngestSettings(Section):
    TABLE: ClassVar[str] = "ingest"
    max_upload_bytes: Annotated[int, AT_LEAST_ONE] = 100 * 1024 * 1024
    #: let URL imports reach loopback/private addresses (never in production).
    allow_private_urls: bool = False
    fetch_timeout_s: Annotated[float, POSITIVE] = 15.0
    keep_gps: bool = False
    #: the public base of render URLs in API responses; empty: derived from the request.
    public_url: str = ""
    #: HMAC-SHA256 key that signs webhook events; empty: events are sent unsigned.
    webhook_secret: str = ""
    #: seconds a stored original or derivative with no image row is kept before the orphan
    #: sweeper removes it (longer than any upload takes between its write and its commit).
    orphan_grace_s: Annotated[float, POSITIVE] = 3600.0
    #: seconds between orphan sweeps in ``enlarger serve`` (each lists every original).
    orphan_sweep_interval_s: Annotated[float, POSITIVE] = 6 * 3600.0


@dataclasses.dataclass(frozen=True, slots=True)
class ThumborSettings(Section):
    TABLE: ClassVar[str] = "thumbor"
    #: where thumbor URLs are served; "/" serves them at the root (a drop-in for thumbor).
    thumbor_prefix: str = "/thumbor"
    #: thumbor's SECURITY_KEY: the HMAC-SHA1 key of signed URLs (None: none pass).
    thumbor_key: str | None = None
    #: serve ``/unsafe/...`` URLs, which carry no signature.
    thumbor_unsafe: bool = False
    #: where the imgix web folder moves when ``thumbor_prefix`` is "/".
    imgix_prefix: str = "/imgix"


@dataclasses.dataclass(frozen=True, slots=True)
class OptimizeSettings(Section):
    TABLE: ClassVar[str] = "optimize"
    #: seconds an optimization result stays downloadable before the sweeper removes it.
    result_ttl_s: Annotated[float, POSITIVE] = 3600.0
    #: seconds a ``wait: true`` optimization may take before it answers 503.
    optimize_deadline_s: Annotated[float, POSITIVE] = 120.0
    #: seconds between sweeps of expired results.
    sweep_interval_s: Annotated[float, POSITIVE] = 60.0


@dataclasses.dataclass(frozen=True, slots=True)
class CacheSettings(Section):
    TABLE: ClassVar[str] = "cache"
    #: rendered results kept in each node's memory, least recently used out (0: none).
    memory_cache_bytes: Annotated[int, COUNT] = 32 * 1024 * 1024
    #: results kept in the object store that every node shares, oldest out (0: none).
    result_store_bytes: Annotated[int, COUNT] = 10 * 1024 * 1024 * 1024
    #: how often a node looks for purges made on other nodes (its memory may lag this long).
    purge_check_s: Annotated[float, POSITIVE] = 1.0


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
    convert: ConvertSettings = ConvertSettings()
    storage: StorageSettings = StorageSettings()
    catalog: CatalogSettings = CatalogSettings()
    jobs: JobSettings = JobSettings()
    ingest: IngestSettings = IngestSettings()
    thumbor: ThumborSettings = ThumborSettings()
    optimize: OptimizeSettings = OptimizeSettings()
    cache: CacheSettings = CacheSettings()
    origin: OriginSettings = OriginSettings()
    origins: tuple[OriginMount, ...] = ()
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
        config_file = config_file or path_or_none(env.get(ENV_PREFIX + "CONFIG"))
        toml = read_toml(config_file) if config_file else {}
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        unknown = set(given) - _all_field_names()
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        _refuse_unknown(set(toml) - {f.name for f in dataclasses.fields(cls)}, "at the top level")
        sections: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "presets":
                sections["presets"] = _presets(toml.get("presets", DEFAULT_PRESETS))
            elif f.name == "origins":
                sections["origins"] = _origins(toml.get("origins", []))
            elif f.name == "data_dir":
                sections["data_dir"] = data_dir(given, env, toml, config_file)
            else:
                section_type = typing.get_type_hints(cls)[f.name]
                table = toml.get(f.name, {})
                if not isinstance(table, dict):
                    raise ConfigError(f"config: [{f.name}] must be a table")
                sections[f.name] = _section(section_type, f.name, table, env, given)
        return cls(**sections)


def _all_field_names() -> set[str]:
    return {"data_dir", *_section_of_field()}


def _section_of_field() -> dict[str, str]:
    """Each section field's name -> its TOML table (names are unique across sections)."""
    return {
        sf.name: f.name
        for f in dataclasses.fields(Settings)
        if dataclasses.is_dataclass(f.default)
        for sf in dataclasses.fields(f.default)
    }


def _refuse_unknown(names: set[str], where: str) -> None:
    """Unknown keys would be silently ignored: refuse them, saying where a known one goes."""
    if not names:
        return
    sections = _section_of_field()
    homes = [
        f"{name} belongs in [{sections[name]}]"
        if name in sections
        else f"{name} belongs at the top level"
        for name in sorted(names)
        if name in sections or name == "data_dir"
    ]
    hint = f" ({'; '.join(homes)})" if homes else ""
    raise ConfigError(
        f"config: unknown key(s) {where}: {', '.join(sorted(names))}{hint}", keys=sorted(names)
    )


def _presets(table: object) -> dict[str, str]:
    if not isinstance(table, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise ConfigError("config: [presets] must map names to query strings")
    return dict(table)


def _origins(tables: object) -> tuple[OriginMount, ...]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError("config: origins must be [[origins]] tables")
    mounts = tuple(_section(OriginMount, "origins", table, {}, {}) for table in tables)
    for kind, values in (
        ("name", [m.name for m in mounts]),
        ("prefix", [m.path_prefix for m in mounts]),
    ):
        if len(set(values)) < len(values):
            raise ConfigError(f"config: two [[origins]] tables have the same {kind}")
    return mounts


def _section(
    section_type: Any,
    section: str,
    table: Mapping[str, Any],
    env: Mapping[str, str],
    given: Mapping[str, Any],
) -> Any:
    _refuse_unknown(set(table) - set(typing.get_type_hints(section_type)), f"in [{section}]")
    return section_type(**section_values(section_type, section, table, env, given))
