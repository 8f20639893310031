"""One route per path: routes that share a path become one that dispatches by method.

Starlette answers a method no route takes with 405 and an ``Allow`` header naming only
the first route that matched the path, so ``PATCH /v1/images`` would say ``Allow: POST``
although GET is served too. Merged, the 405 names every method the path serves.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send


def one_route_per_path(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """``routes`` in order, with every plain ``Route`` that shares a path with an earlier
    one folded into it."""
    by_path: dict[str, list[Route]] = {}
    for route in routes:
        if isinstance(route, Route):
            by_path.setdefault(route.path, []).append(route)
    merged: list[BaseRoute] = []
    for route in routes:
        if not isinstance(route, Route):
            merged.append(route)
        elif by_path[route.path][0] is route:
            same_path = by_path[route.path]
            merged.append(route if len(same_path) == 1 else _dispatching(same_path))
    return merged


def _dispatching(routes: list[Route]) -> Route:
    apps = {method: route.app for route in routes for method in route.methods or ()}
    return Route(routes[0].path, _ByMethod(apps), methods=sorted(apps))


class _ByMethod:
    """An ASGI app that hands each request to the route that serves its method (the
    merged route has already refused any other)."""

    def __init__(self, apps: dict[str, ASGIApp]) -> None:
        self._apps = apps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._apps[scope["method"]](scope, receive, send)
