"""imgix client hints: which header fills in which field, and what the URL keeps."""

from __future__ import annotations

from enlarger.spec.hints import ClientHint, apply_hints, vary_on
from enlarger.spec.imgix import parse_query
from enlarger.spec.model import Extent

ALL = frozenset(ClientHint)


def test_ch_is_parsed_in_any_case() -> None:
    assert parse_query("ch=width,DPR,Save-Data").hints == ALL


def test_width_fills_w_and_counts_the_dpr() -> None:
    spec = apply_hints(parse_query("").spec, ALL, {"Width": "640", "DPR": "2"})
    assert spec.geometry.w == Extent(640)
    assert spec.geometry.dpr == 1.0


def test_the_url_wins_and_unnamed_hints_are_ignored() -> None:
    query = parse_query("w=100&dpr=3&q=30")
    given = apply_hints(query.spec, ALL, {"Width": "640", "DPR": "2", "Save-Data": "on"})
    assert given.geometry.w == Extent(100)
    assert given.geometry.dpr == 3.0
    assert given.output.q == 30
    plain = parse_query("").spec
    # no hint applies: the same object, so the server reuses its canonical form
    assert apply_hints(plain, frozenset(), {"Width": "640"}) is plain


def test_bad_header_values_are_ignored() -> None:
    spec = parse_query("").spec
    assert apply_hints(spec, ALL, {"Width": "-4", "DPR": "nan", "Save-Data": "off"}) == spec


def test_vary() -> None:
    assert vary_on(frozenset({ClientHint.SAVE_DATA, ClientHint.DPR})) == [
        "DPR",
        "Sec-CH-DPR",
        "Save-Data",
    ]
