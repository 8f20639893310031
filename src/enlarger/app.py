"""The composition root: ``build_app(settings)`` wires every component; no globals.

Routes come from small functions, one per feature, and the catch-all web-folder route
goes last. Long-lived components (the render pool, the services, the embedded worker)
are async context managers entered by the lifespan, in order, and left in reverse.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from enlarger.cache import open_results
from enlarger.catalog.jobs import count_by_status
from enlarger.catalog.migrations import migrate
from enlarger.dialects import ImgixDialect, ThumborDialect
from enlarger.errors import ConfigError
from enlarger.http.access import AccessLog
from enlarger.http.auth import api_key_auth
from enlarger.http.cors import AllowOrigin
from enlarger.http.derivatives import DerivativeRoutes
from enlarger.http.errors import EXCEPTION_HANDLERS, UnexpectedErrors
from enlarger.http.health import health_routes
from enlarger.http.images import upload_api
from enlarger.http.jobs import job_routes
from enlarger.http.methods import one_route_per_path
from enlarger.http.metrics import Metrics, metrics_routes
from enlarger.http.openapi import openapi_routes
from enlarger.http.optimize import optimize_api
from enlarger.http.pool import RenderPool
from enlarger.http.presets import preset_routes
from enlarger.http.purge import purge_routes
from enlarger.http.render import Renderer, web_folder_routes
from enlarger.http.server_lock import SERVER_LOCK_FILE, ServerRenderLock
from enlarger.http.thumbor import thumbor_routes
from enlarger.http.webhooks import webhook_routes
from enlarger.imaging import writable_formats
from enlarger.ingest.orphans import sweeping_orphans
from enlarger.jobs.worker import embedded_worker, running
from enlarger.optimize.sweeper import sweeping
from enlarger.origins.local import WebFolder
from enlarger.origins.mounts import open_origins, shared_fetcher
from enlarger.origins.store import StoreOrigin
from enlarger.origins.web import OriginFetcher, ProxyOrigin
from enlarger.services import Migrate, Services, open_services, render_options, serving
from enlarger.settings import RenderSettings, Settings, UnknownParams

Component = Callable[[], AbstractAsyncContextManager[object]]


def build_app(settings: Settings, migrate_catalog: Migrate = migrate) -> Starlette:
    """The whole HTTP service; ``migrate_catalog`` as ``open_services`` takes it."""
    server = settings.server
    several = server.processes > 1
    pool = RenderPool(
        server.render_threads,
        server.render_queue,
        server.render_pixels_in_flight,
        server.render_wait_s,
        ServerRenderLock(Path(settings.data_dir) / SERVER_LOCK_FILE) if several else None,
        settings.render.malloc_keep_free_bytes // max(server.processes, 1),
    )
    options = render_options(settings.render)
    ignore_unknown = settings.render.unknown_params is UnknownParams.IGNORE
    dialect = ImgixDialect(settings.render.sign_key, writable_formats(), ignore_unknown)
    folder = web_folder(settings.render)  # checked before anything is created
    services = open_services(settings, migrate_catalog)
    metrics = observed(pool, services)
    results = open_results(settings.cache, services.store)
    results.observe(metrics)
    version = renderer_version()
    web_fetcher = shared_fetcher(settings)
    urls = ProxyOrigin(web_fetcher()) if settings.render.overlay_urls else None
    renderer = Renderer(settings, pool, options, dialect, version, results, metrics, urls)
    thumbor = Renderer(
        settings, pool, options, thumbor_dialect(settings), version, results, metrics, urls
    )
    worker = embedded_worker(
        settings, services.sessions, lambda: services.store, services.preset_specs
    )
    authorize = api_key_auth(services.sessions)
    routes: list[BaseRoute] = [
        *health_routes(pool, options),
        *upload_api(services, pool, authorize, worker.dispatch).routes(),
        *DerivativeRoutes(services, renderer).routes(),
        *job_routes(services.sessions, authorize),
        *optimize_api(services, pool, worker.dispatch).routes(),
        *webhook_routes(services.sessions, authorize, worker.dispatch),
        *purge_routes(results, authorize),
        *metrics_routes(metrics),
        *openapi_routes(),
        *preset_routes(settings.presets, services.preset_specs, authorize),
        # the catch-all: keep last
        *url_dialects(settings, services, folder, web_fetcher, (renderer, thumbor)),
    ]
    components: list[Component] = [
        lambda: closing_pool(pool),
        lambda: serving(services),
        lambda: running(worker),
        lambda: sweeping(
            lambda: services.store, services.sessions, settings.optimize.sweep_interval_s
        ),
        lambda: sweeping_orphans(
            lambda: services.store,
            services.sessions,
            settings.ingest.orphan_grace_s,
            settings.ingest.orphan_sweep_interval_s,
        ),
    ]
    middleware = [Middleware(UnexpectedErrors)]
    if settings.server.cors_origin:
        middleware.insert(0, Middleware(AllowOrigin, origin=settings.server.cors_origin))
    middleware.insert(0, Middleware(AccessLog, metrics=metrics))
    app = Starlette(
        routes=one_route_per_path(routes),
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan(components),
    )
    app.state.render_pool = pool
    app.state.services = services
    app.state.worker = worker
    app.state.results = results
    app.state.metrics = metrics
    return app


def observed(pool: RenderPool, services: Services) -> Metrics:
    """The app's metrics registry, watching the render pool and the jobs table."""
    metrics = Metrics()
    metrics.watch_pool(pool)

    def job_counts() -> dict[str, int]:
        with services.sessions() as session:
            return count_by_status(session)

    metrics.watch_jobs(job_counts)
    return metrics


def renderer_version() -> str:
    """What the rendered bytes depend on besides the request: part of every ETag."""
    parts = []
    for package in ("enlarger", "pyvips", "pyvips-binary", "opencv-python-headless"):
        try:
            parts.append(f"{package}/{version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}/none")
    return " ".join(parts)


def thumbor_dialect(settings: Settings) -> ThumborDialect:
    thumbor = settings.thumbor
    return ThumborDialect(
        thumbor.thumbor_key, thumbor.thumbor_unsafe, writable_formats(), thumbor.thumbor_prefix
    )


def url_dialects(
    settings: Settings,
    services: Services,
    folder: WebFolder | None,
    web_fetcher: Callable[[], OriginFetcher],
    renderers: tuple[Renderer, Renderer],
) -> list[BaseRoute]:
    """The thumbor routes and the imgix web folder over every mounted origin; the one at
    the root goes last.

    With ``thumbor_prefix = "/"`` the web folder moves under ``imgix_prefix``.
    """
    imgix, thumbor = renderers
    uploads = StoreOrigin(services.store, services.sessions, settings.render.max_source_bytes)
    mounts = open_origins(settings, uploads, folder, web_fetcher)
    thumbor_routes_ = thumbor_routes(settings, thumbor, uploads, mounts)
    if not mounts:
        return list(thumbor_routes_)
    if settings.thumbor.thumbor_prefix.strip("/"):
        return [*thumbor_routes_, *web_folder_routes(imgix, mounts)]
    imgix_prefix = settings.thumbor.imgix_prefix.strip("/") + "/"
    return [*web_folder_routes(imgix, mounts, imgix_prefix), *thumbor_routes_]


def web_folder(render: RenderSettings) -> WebFolder | None:
    if render.originals is None:
        return None
    try:
        return WebFolder(render.originals, render.max_source_bytes)
    except OSError as exc:
        raise ConfigError(f"originals folder {render.originals} is not readable: {exc}") from exc


@asynccontextmanager
async def closing_pool(pool: RenderPool) -> AsyncIterator[RenderPool]:
    try:
        yield pool
    finally:
        await asyncio.to_thread(pool.close)


def lifespan(
    components: Sequence[Component],
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Enter every component at start-up and leave them in reverse order at shutdown."""

    @asynccontextmanager
    async def run(_: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for component in components:
                await stack.enter_async_context(component())
            yield

    return run
