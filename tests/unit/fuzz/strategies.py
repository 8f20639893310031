"""What the fuzzers share: hostile text, numbers and JSON values, and the one check of
every error they meet (a 4xx with a small body)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

from enlarger.errors import EnlargerError

T = TypeVar("T")

#: numbers as clients mistype them: huge, negative, fractional, exponents, padded.
NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e309", "-0", "0x10", "1_000", " 7", "nan", "inf", "", "٣"]),
)
#: text with separators, escapes and characters outside ASCII.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="%/:,()!=&?.-_0123456789abcdefxy ", max_size=40),
    NUMBERS,
)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4)
    ),
    max_leaves=20,
)


def outcome(work: Callable[[], T]) -> T | EnlargerError:
    """What ``work`` returns, or the ``EnlargerError`` it raises (anything else propagates)."""
    try:
        return work()
    except EnlargerError as exc:
        return exc


def check_client_error(error: EnlargerError) -> None:
    """A client's input may fail only as a 4xx whose JSON body stays small."""
    assert 400 <= error.status < 500, error
    assert len(json.dumps(error.body())) < 4 * 1024
