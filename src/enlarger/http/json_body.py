"""Client JSON read with bounded cost: every JSON body (and the list cursor) goes through here.

Python's ``json`` decoder recurses once per nesting level, so a body of 20,000 ``[`` is a
``RecursionError`` deep inside it rather than a parse error. ``parse_json`` first measures
the nesting depth with a flat scan (strings skipped, so brackets inside them do not count)
and refuses anything deeper than ``MAX_JSON_DEPTH`` before the decoder sees it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from enlarger.errors import ClientError
from enlarger.http.body_limit import limited

#: deeper than any body this API reads (the Kraken options nest four levels).
MAX_JSON_DEPTH = 32
#: the largest JSON body any route reads.
MAX_JSON_BYTES = 64 * 1024
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, counted outside strings.

    On malformed text it may overcount (an unterminated string's brackets count), never
    undercount what the decoder would recurse into.
    """
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match[0]
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def parse_json(raw: bytes | str, what: str = "the body") -> Any:
    """The JSON value in ``raw``; a 400 naming ``what`` when it is not UTF-8 JSON or is
    nested deeper than ``MAX_JSON_DEPTH``."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ClientError(f"{what} is not UTF-8 text") from None
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise ClientError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ClientError(f"{what} is not valid JSON ({exc.msg} at {where})") from None


async def read_json(request: Request, what: str = "the body") -> Any:
    """The request's JSON body, read up to ``MAX_JSON_BYTES`` (413 past it)."""
    return parse_json(await limited(request, MAX_JSON_BYTES).body(), what)
