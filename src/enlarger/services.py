"""The shared components built from ``Settings``: used by ``app.py``, the CLI and the worker.

``open_services`` parses the presets, migrates the catalog to the current schema, then
opens the object store (replicated when configured) and the catalog's session factory.
The job queue is the jobs package's business: whoever starts one hands its ``dispatch``
to the upload path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields, replace

from enlarger.catalog.db import database_url, make_engine, session_factory
from enlarger.catalog.migrations import migrate
from enlarger.catalog.types import Engine, Session, sessionmaker
from enlarger.imaging import Effort, RenderOptions
from enlarger.imaging.runtime import configure
from enlarger.presets import PresetSpecs, validate_presets
from enlarger.settings import RenderSettings, Settings
from enlarger.storage import ObjectStore, open_configured

#: brings the catalog at a database URL to the newest schema (``catalog.migrations``).
Migrate = Callable[[str], None]


@dataclass(slots=True)
class Services:
    settings: Settings
    store: ObjectStore
    engine: Engine
    sessions: sessionmaker[Session]
    #: the presets, parsed once when the services opened.
    preset_specs: PresetSpecs

    @property
    def presets(self) -> Mapping[str, str]:
        return self.settings.presets

    def close(self) -> None:
        self.engine.dispose()


def open_services(settings: Settings, migrate_catalog: Migrate = migrate) -> Services:
    """Everything a serving or working process shares; also tunes libvips for it. A
    long-running process migrates with ``migrate_apart``, so it never loads Alembic."""
    render = settings.render
    configure(
        render.vips_concurrency,
        render.malloc_arenas,
        render.malloc_mmap_threshold,
        render.malloc_trim_threshold,
    )
    preset_specs = validate_presets(settings.presets)
    url = database_url(settings)
    migrate_catalog(url)
    engine = make_engine(url)
    store = open_configured(settings)
    return Services(settings, store, engine, session_factory(engine), preset_specs)


def render_options(render: RenderSettings) -> RenderOptions:
    return RenderOptions(
        max_source_pixels=render.max_source_pixels,
        max_output_side=render.max_output_side,
        max_output_pixels=render.max_output_pixels,
        effort=Effort(**{f.name: getattr(render, f.name) for f in fields(Effort)}),
        max_heavy_output_pixels=render.max_heavy_output_pixels,
        fast_shrink_on_load=render.fast_shrink_on_load,
    )


def preset_options(settings: Settings) -> RenderOptions:
    """``render_options`` with ``[convert]``'s encoder efforts, for stored presets."""
    options = render_options(settings.render)
    convert = settings.convert
    effort = replace(
        options.effort,
        webp_effort=convert.convert_webp_effort,
        avif_effort=convert.convert_avif_effort,
        png_compression=convert.convert_png_compression,
    )
    return replace(options, effort=effort)


@asynccontextmanager
async def serving(services: Services) -> AsyncIterator[Services]:
    """A lifespan component: the services stay open while the app runs."""
    try:
        yield services
    finally:
        services.close()
