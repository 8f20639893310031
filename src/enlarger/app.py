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

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from enlarger.dialects import ImgixDialect
from enlarger.errors import ConfigError
from enlarger.http.auth import api_key_auth
from enlarger.http.cors import AllowOrigin
from enlarger.http.derivatives import DerivativeRoutes
from enlarger.http.errors import EXCEPTION_HANDLERS, UnexpectedErrors
from enlarger.http.health import health_routes
from enlarger.http.images import upload_api
from enlarger.http.jobs import job_routes
from enlarger.http.pool import RenderPool
from enlarger.http.presets import preset_routes
from enlarger.http.render import Renderer, web_folder_routes
from enlarger.imaging import writable_formats
from enlarger.jobs.worker import embedded_worker, running
from enlarger.origins.local import WebFolder
from enlarger.services import open_services, render_options, serving
from enlarger.settings import RenderSettings, Settings, UnknownParams

Component = Callable[[], AbstractAsyncContextManager[object]]


def build_app(settings: Settings) -> Starlette:
    pool = RenderPool(settings.server.render_threads, settings.server.render_queue)
    options = render_options(settings.render)
    ignore_unknown = settings.render.unknown_params is UnknownParams.IGNORE
    dialect = ImgixDialect(settings.render.sign_key, writable_formats(), ignore_unknown)
    renderer = Renderer(settings, pool, options, dialect, renderer_version())
    folder_routes = web_folder(settings.render, renderer)  # checked before anything is created
    services = open_services(settings)
    worker = embedded_worker(
        settings, services.sessions, lambda: services.store, services.preset_specs
    )
    authorize = api_key_auth(services.sessions)
    routes: list[BaseRoute] = [
        *health_routes(pool, options),
        *upload_api(services, pool, authorize, worker.dispatch).routes(),
        *DerivativeRoutes(services, renderer).routes(),
        *job_routes(services.sessions, authorize),
        *preset_routes(settings.presets, services.preset_specs, authorize),
        *folder_routes,  # catch-all: keep last
    ]
    components: list[Component] = [
        lambda: closing_pool(pool),
        lambda: serving(services),
        lambda: running(worker),
    ]
    middleware = [Middleware(UnexpectedErrors)]
    if settings.server.cors_origin:
        middleware.insert(0, Middleware(AllowOrigin, origin=settings.server.cors_origin))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan(components),
    )
    app.state.render_pool = pool
    app.state.services = services
    app.state.worker = worker
    return app


def renderer_version() -> str:
    """What the rendered bytes depend on besides the request: part of every ETag."""
    parts = []
    for package in ("enlarger", "pyvips", "pyvips-binary"):
        try:
            parts.append(f"{package}/{version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}/none")
    return " ".join(parts)


def web_folder(render: RenderSettings, renderer: Renderer) -> list[BaseRoute]:
    if render.originals is None:
        return []
    try:
        origin = WebFolder(render.originals, render.max_source_bytes)
    except OSError as exc:
        raise ConfigError(f"originals folder {render.originals} is not readable: {exc}") from exc
    return list(web_folder_routes(renderer, origin))


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
