"""One row of the imgix parameter table (``spec.imgix.PARAMETERS``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from enlarger.spec import args


def requires(name: str, *values: str) -> tuple[str, frozenset[str]]:
    """A ``Param.requires``: ``name`` given, with one of ``values`` (none: any value)."""
    return name, frozenset(values)


@dataclass(frozen=True, slots=True)
class Param:
    """One imgix parameter: its name, aliases, parser, and the ``ImgixQuery`` field it sets."""

    name: str
    arg: args.Arg[Any]
    path: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    base64: bool = True
    repeatable: bool = False
    #: the model's value from the parsed one (imgix ``sat`` percent -> a factor).
    convert: Callable[[Any], Any] | None = None
    #: where the second, third... items of a tuple value go (``border=width,colour``).
    also: tuple[tuple[str, ...], ...] = ()
    #: the parameter this one refines, and the values of it it refines (empty: any).
    requires: tuple[str, frozenset[str]] | None = None

    def assignments(self, value: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
        """(path, model value) pairs that giving this parameter ``value`` makes."""
        if self.convert is not None:
            value = self.convert(value)
        if not self.also:
            yield self.path_for(value), value
            return
        yield from zip((self.path, *self.also), value, strict=True)

    #: values of these types set another field (``fm=json`` asks for a report, not a format).
    routes: tuple[tuple[type, tuple[str, ...]], ...] = ()

    def path_for(self, value: object) -> tuple[str, ...]:
        return next((path for kind, path in self.routes if isinstance(value, kind)), self.path)
