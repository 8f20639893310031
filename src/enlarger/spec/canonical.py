"""``RenderSpec`` <-> one deterministic string, whatever dialect the spec came from.

The string feeds ETags, cache keys and derivative keys, so it must name every field
that changes the rendered bytes and nothing else (expiry is a request check, not a
field). It is built from the model itself, not from a dialect's parameter table: each
field that differs from its default, by dotted path in the model's field order, as
``geometry.w=300&geometry.fit=crop&output.fm=webp``. A field added to the model is
in it without further work, and ``read_canonical`` reads every string back, so two
different specs never share a string.

Values: integers and plain decimals (``format_number``), ``true``/``false``, enum
values, percent-encoded text; lengths as pixels (``300``) or fractions of the source
with an ``r`` (``0.5r``); colours as ``RRGGBB`` or ``AARRGGBB``; sets (in enum order),
pairs and small records such as ``Rect`` as comma-separated parts; lists of any length
(a kernel's weights) as ``;``-separated parts.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote, unquote

from enlarger.spec.args import format_number, hex_color
from enlarger.spec.model import Color, Extent, RenderSpec
from enlarger.spec.paths import replace_at, value_at

_RELATIVE = "r"

#: declared field types per class, resolved once.
_hints: typing.Callable[[type], dict[str, Any]] = functools.cache(typing.get_type_hints)


@dataclass(frozen=True, slots=True)
class _Field:
    """One value field of the model: its path, declared type and default value."""

    path: tuple[str, ...]
    kind: Any
    default: Any

    @property
    def name(self) -> str:
        return ".".join(self.path)


def canonical(spec: RenderSpec) -> str:
    """The canonical string of ``spec`` (empty for the default spec)."""
    pairs = []
    for field in _FIELDS:
        value = value_at(spec, field.path)
        if value != field.default:
            pairs.append(f"{field.name}={_write(value, field.kind)}")
    return "&".join(pairs)


def read_canonical(text: str) -> RenderSpec:
    """The spec whose canonical string is ``text``; ``ValueError`` for anything else."""
    spec = RenderSpec()
    for pair in filter(None, text.split("&")):
        name, _, value = pair.partition("=")
        field = _BY_NAME.get(name)
        if field is None:
            raise ValueError(f"no value field {name!r} in a RenderSpec")
        spec = replace_at(spec, field.path, _read(value, field.kind))
    return spec


def _fields(cls: type, prefix: tuple[str, ...], default: object) -> Iterator[_Field]:
    """The value fields under ``cls`` in declaration order; records such as ``geometry``
    and ``geometry.focal`` are walked into, small values such as ``Extent`` are not."""
    for name, kind in _hints(cls).items():
        value = getattr(default, name)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind not in _ATOMS:
            yield from _fields(kind, (*prefix, name), value)
        else:
            yield _Field((*prefix, name), kind, value)


def _write_extent(extent: Extent) -> str:
    number = format_number(extent.value)
    return number + _RELATIVE if extent.relative else number


def _read_extent(text: str) -> Extent:
    relative = text.endswith(_RELATIVE)
    return Extent(float(text.removesuffix(_RELATIVE)), relative)


def _read_color(text: str) -> Color:
    if len(text) not in {6, 8}:
        raise ValueError(f"not a canonical colour: {text!r}")
    return hex_color(text)


#: values written as one word, not field by field.
_ATOMS: dict[Any, tuple[Any, Any]] = {
    Extent: (_write_extent, _read_extent),
    Color: (Color.hex, _read_color),
}

_FIELDS = tuple(_fields(RenderSpec, (), RenderSpec()))
_BY_NAME = {field.name: field for field in _FIELDS}


def _write(value: Any, kind: Any) -> str:
    """``value`` as declared by ``kind``: the inverse of ``_read``."""
    if isinstance(kind, types.UnionType):
        member = next(m for m in typing.get_args(kind) if isinstance(value, _runtime(m)))
        return _write(value, member)
    if kind in _ATOMS:
        return str(_ATOMS[kind][0](value))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return str(value.value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return format_number(value)
    if kind is str:
        return quote(value, safe="")
    origin, parts = typing.get_origin(kind), typing.get_args(kind)
    if origin is frozenset:
        order = list(parts[0])
        return ",".join(str(m.value) for m in sorted(value, key=order.index))
    if origin is tuple and parts[-1] is Ellipsis:
        return ";".join(_write(v, parts[0]) for v in value)
    if origin is tuple:
        return ",".join(_write(v, k) for v, k in zip(value, parts, strict=True))
    hints = _hints(kind)  # a small record such as Rect; an unset optional part is empty
    fields = ((getattr(value, name), k) for name, k in hints.items())
    return ",".join("" if part is None else _write(part, k) for part, k in fields)


def _read(text: str, kind: Any) -> Any:
    if isinstance(kind, types.UnionType):
        for member in typing.get_args(kind):
            if member is not type(None):
                try:
                    return _read(text, member)
                except ValueError:
                    continue
        raise ValueError(f"not a canonical {kind}: {text!r}")
    if kind in _ATOMS:
        return _ATOMS[kind][1](text)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(text)
    if kind is bool and text in {"true", "false"}:
        return text == "true"
    if kind in {int, float}:
        return kind(text)
    if kind is str:
        return unquote(text, errors="strict")
    origin, parts = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and parts[-1] is Ellipsis:
        return tuple(_read(word, parts[0]) for word in text.split(";"))
    words = text.split(",")
    if origin is frozenset:
        return frozenset(parts[0](word) for word in words if word)
    if origin is tuple:
        return tuple(_read(w, k) for w, k in zip(words, parts, strict=True))
    hints = _hints(kind)
    return kind(
        *(None if w == "" else _read(w, k) for w, k in zip(words, hints.values(), strict=True))
    )


def _runtime(kind: Any) -> Any:
    """The class ``isinstance`` can check for a declared type (``tuple`` for ``tuple[...]``)."""
    return typing.get_origin(kind) or kind
