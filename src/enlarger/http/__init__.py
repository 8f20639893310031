"""The thin Starlette layer: routes, error mapping, caching headers and the render pool."""
