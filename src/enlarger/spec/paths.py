"""Dotted field paths into nested frozen dataclasses: read one value, replace one."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def value_at(obj: object, path: tuple[str, ...]) -> Any:
    """``obj.a.b`` for ``path == ("a", "b")``."""
    value: Any = obj
    for name in path:
        value = getattr(value, name)
    return value


def replace_at(obj: T, path: tuple[str, ...], value: object) -> T:
    """A copy of ``obj`` with the field at ``path`` set to ``value``."""
    head, *rest = path
    inner = replace_at(getattr(obj, head), tuple(rest), value) if rest else value
    return dataclasses.replace(obj, **{head: inner})  # type: ignore[type-var]
