"""Fuzzing both URL dialects, then the Plan of what they accept: any URL is a spec or a
4xx naming the problem, and any accepted spec plans or is a 4xx, never another error."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from enlarger.dialects import ImgixDialect, ThumborDialect
from enlarger.dialects.base import DialectRequest
from enlarger.errors import EnlargerError
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import PARAMETERS
from enlarger.spec.model import Format
from enlarger.spec.plan import make_plan
from enlarger.spec.thumbor.filters import FILTERS
from tests.unit.fuzz.strategies import HOSTILE_TEXT, NUMBERS, check_client_error, outcome

WRITABLE = frozenset(Format)
FACTS = SourceFacts(width=640, height=427, loader="jpeg")
EXAMPLES = 300

_NAMES = sorted({name for p in PARAMETERS for name in (p.name, *p.aliases)})
_PAIRS = st.tuples(
    st.one_of(st.sampled_from(_NAMES), HOSTILE_TEXT),
    st.one_of(NUMBERS, HOSTILE_TEXT, st.lists(NUMBERS, max_size=5).map(",".join)),
)
_THUMBOR_PARTS = st.one_of(
    st.sampled_from(["trim", "fit-in", "full-fit-in", "adaptive-fit-in", "smart", "meta"]),
    st.tuples(NUMBERS, NUMBERS).map(lambda wh: f"{wh[0]}x{wh[1]}"),
    st.tuples(NUMBERS, NUMBERS, NUMBERS, NUMBERS).map(lambda c: "{}x{}:{}x{}".format(*c)),
    st.tuples(
        st.sampled_from(sorted(f.name for f in FILTERS)), st.lists(HOSTILE_TEXT, max_size=4)
    ).map(lambda call: f"filters:{call[0]}({','.join(call[1])})"),
    HOSTILE_TEXT,
)


def _accepted_or_4xx(work: Callable[[], DialectRequest]) -> None:
    request = outcome(work)
    if isinstance(request, EnlargerError):
        check_client_error(request)
        return
    planned = outcome(lambda: make_plan(request.spec, FACTS))
    if isinstance(planned, EnlargerError):
        check_client_error(planned)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(_PAIRS, max_size=6))
def test_imgix_queries(pairs: list[tuple[str, str]]) -> None:
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe=',')}" for k, v in pairs)
    dialect = ImgixDialect(None, WRITABLE)
    _accepted_or_4xx(lambda: dialect.request(b"/photo.jpg", query.encode()))


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(st.binary(max_size=80), st.binary(max_size=80))
def test_imgix_raw_bytes(path: bytes, query: bytes) -> None:
    dialect = ImgixDialect(None, WRITABLE, ignore_unknown=True)
    _accepted_or_4xx(lambda: dialect.request(b"/" + path, query))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(_THUMBOR_PARTS, max_size=6), HOSTILE_TEXT)
def test_thumbor_paths(parts: list[str], image: str) -> None:
    path = "/".join(["/thumbor/unsafe", *parts, quote(image) or "a.jpg"])
    dialect = ThumborDialect(None, True, WRITABLE, "/thumbor")
    _accepted_or_4xx(lambda: dialect.request(path.encode("utf-8", "surrogatepass"), b""))
