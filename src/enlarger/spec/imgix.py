"""The imgix URL dialect: a raw query string -> ``RenderSpec``.

One declarative table (``PARAMETERS``, in ``imgix_table``) says, for each supported
parameter, its imgix name and aliases, which ``spec.args`` parser reads it and where the
value goes in the ``ImgixQuery``: the ``RenderSpec``, or ``expires``, which is a check on
the request and not part of what is rendered (two expiry times of one image share its
ETag and keys).

Decoding follows imgix's clients (js-core ``encodeURIComponent``, imgix-python
``quote``): ``%XX`` escapes are UTF-8 and ``+`` is a literal plus, never a space. No
valid value of a supported parameter except ``dl`` can contain a plus, so reading it
literally only changes file names, and keeps what was signed and what is read the same.

Choices made where imgix leaves room:

* ``<name>64`` (base64url value) works for every parameter except ``auto``, as at imgix.
* A parameter given twice, also through an alias or its ``64`` form, is a 400; only
  ``auto`` may repeat (imgix documents ``auto=compress&auto=format``), values merged.
* Empty values are a 400, except ``dl=`` (download under the source's own name:
  ``Output.dl == ""``) and the ignored ``ixlib`` and ``s``.
* ``auto=true`` is imgix's old spelling of ``auto=enhance`` (an automatic levels and
  colour correction, ``imaging/steps/enhance.py``). ``auto=redeye`` needs an eye detector
  this server does not have: a 400 that says so, never a silent no-op.
* Parameters are applied in the table's order, not the query's, so a parameter that
  refines another (``duotone-alpha`` of ``duotone``, ``border-top`` of ``border``) means
  the same wherever it stands. One that only refines another (imgix's "depends") is a
  400 without it, instead of being silently ignored.
* ``fit=facearea`` without a face, or without the ``faceindex``-th, is a centred
  ``fit=crop`` (the requested size either way); ``fit=facearea,<fit>`` names another
  fit for that case, as imgix documents. ``crop=faces`` without a face falls back to
  the other ``crop`` values given (directions, entropy, edges, focal point).
* Values imgix defines that this server does not implement (generative fills,
  ``cs=adobergb1998``, imgix-only formats...) are a 400 whose ``expected`` text says
  they are not supported.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.hints import ClientHint
from enlarger.spec.imgix_param import Param
from enlarger.spec.imgix_table import FM
from enlarger.spec.imgix_table import IGNORED as IGNORED
from enlarger.spec.imgix_table import PARAMETERS as PARAMETERS
from enlarger.spec.model import (
    Format,
    RenderSpec,
    Report,
)
from enlarger.spec.negotiate import DEFAULT_WRITABLE
from enlarger.spec.paths import replace_at, value_at


@dataclass(frozen=True, slots=True)
class ImgixQuery:
    """A parsed imgix query: the render, and when the URL stops being served."""

    spec: RenderSpec = field(default_factory=RenderSpec)
    expires: int | None = None
    #: unknown parameter names skipped because the caller asked to ignore them.
    ignored: tuple[str, ...] = ()
    #: request headers (``ch=``) that fill in the spec per request (``spec/hints.py``).
    hints: frozenset[ClientHint] = frozenset()


_BY_NAME = {name: p for p in PARAMETERS for name in (p.name, *p.aliases)}
_SUPPORTED = "a supported parameter: " + ", ".join(p.name for p in PARAMETERS)


def parse(query: str, writable: frozenset[Format] = DEFAULT_WRITABLE) -> RenderSpec:
    """The ``RenderSpec`` of a raw imgix query string (``expires`` is read and dropped)."""
    return parse_query(query, writable).spec


def parse_query(
    query: str, writable: frozenset[Format] = DEFAULT_WRITABLE, ignore_unknown: bool = False
) -> ImgixQuery:
    """Parse a raw (still percent-encoded) imgix query string.

    ``writable`` are the formats this libvips can write; ``fm`` must name one of them.
    Raises ``InvalidParameter`` (400) naming the first bad parameter; with
    ``ignore_unknown`` a parameter this server does not know is skipped and listed in
    ``ignored`` instead (a bad value of a known one is still a 400).
    """
    values: dict[str, Any] = {}
    given: dict[str, tuple[str, str]] = {}  # name -> (key as given, decoded text)
    ignored: list[str] = []
    for key, raw in _pairs(query):
        if key in IGNORED:
            continue
        if ignore_unknown and not _known(key):
            ignored.append(key)
            continue
        param, text = _lookup(key, raw)
        value = _parse_value(param, key, text, writable)
        if param.name in given:
            if not param.repeatable:
                first = given[param.name][0]
                raise InvalidParameter(
                    key, f"{param.name} only once (already given as {first})", raw
                )
            value = value | values[param.name]
        given[param.name] = (key, text)
        values[param.name] = value
    parsed = ImgixQuery()
    for param in PARAMETERS:
        if param.name in values:
            _check_requirement(param, given)
            for path, value in param.assignments(values[param.name]):
                parsed = _assign(parsed, path, value)
    return replace(parsed, ignored=tuple(ignored)) if ignored else parsed


def _parse_value(param: Param, key: str, text: str, writable: frozenset[Format]) -> Any:
    """The parameter's value; ``fm`` must name a format this server writes, and its
    error lists exactly those (and the imgix formats no Enlarger writes)."""
    if param.arg is not FM:
        return param.arg.parse(key, text)
    value = FM.words.get(text)
    if isinstance(value, Report) or value in writable:
        return value
    expected = "a format this server writes: one of " + ", ".join(
        f.value for f in Format if f in writable
    )
    if value is None:
        expected += f" ({', '.join(sorted(FM.unsupported))}: not supported by this server)"
    raise InvalidParameter(key, expected, text)


def _known(key: str) -> bool:
    plain = key.removesuffix("64") if key.endswith("64") else key
    return key in _BY_NAME or (plain in _BY_NAME and _BY_NAME[plain].base64)


def _check_requirement(param: Param, given: dict[str, tuple[str, str]]) -> None:
    if param.requires is None:
        return
    name, texts = param.requires
    if name not in given or (texts and given[name][1] not in texts):
        key, text = given[param.name]
        wanted = f"{name}={'|'.join(sorted(texts))}" if texts else name
        raise InvalidParameter(key, f"only together with {wanted}", text)


def _assign(parsed: ImgixQuery, path: tuple[str, ...], value: Any) -> ImgixQuery:
    """``replace_at``, first making any unset optional record on the way with its defaults
    (``bri`` alone makes an ``Adjust()`` to set its brightness in)."""
    for depth in range(1, len(path)):
        if value_at(parsed, path[:depth]) is None:
            owner = value_at(parsed, path[: depth - 1])
            declared = typing.get_type_hints(type(owner))[path[depth - 1]]
            (record,) = (t for t in typing.get_args(declared) if dataclasses.is_dataclass(t))
            parsed = replace_at(parsed, path[:depth], typing.cast(type, record)())
    return replace_at(parsed, path, value)


def _pairs(query: str) -> Iterator[tuple[str, str]]:
    """Decoded ``(name, value)`` pairs; empty segments (``a=1&&b=2``) are skipped."""
    for segment in query.split("&"):
        if segment:
            key, _, raw = segment.partition("=")
            name = _decode(key, key)
            yield name, _decode(name, raw)


def _decode(parameter: str, text: str) -> str:
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidParameter(parameter, "percent-encoded UTF-8", text) from None


def _lookup(key: str, raw: str) -> tuple[Param, str]:
    """The parameter ``key`` names and its text, decoding ``<name>64`` base64url values."""
    param = _BY_NAME.get(key)
    if param is not None:
        return param, raw
    plain = _BY_NAME.get(key.removesuffix("64")) if key.endswith("64") else None
    if plain is not None and plain.base64:
        return plain, args.decode_base64url(key, raw)
    raise InvalidParameter(key, _SUPPORTED, raw)
