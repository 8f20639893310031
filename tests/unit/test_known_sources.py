"""The headers a process remembers to settle specs against (``http/known_sources.py``)."""

from __future__ import annotations

from enlarger.http.known_sources import KnownSources
from enlarger.imaging import RenderOptions
from enlarger.spec.canonical import canonical
from enlarger.spec.facts import SourceFacts
from enlarger.spec.imgix import parse

PHOTO = SourceFacts(width=1920, height=1280, loader="jpeg")
BEYOND = parse("w=3000&fit=max")


def test_an_unknown_source_is_not_settled_and_a_known_one_is() -> None:
    known = KnownSources(RenderOptions())
    assert known.settled("photo v1", BEYOND) is None
    known.learn("photo v1", PHOTO)
    settled = known.settled("photo v1", BEYOND)
    assert settled is not None
    spec, text = settled
    assert text == canonical(spec) == "geometry.w=1920&geometry.h=1280&geometry.fit=max"
    assert known.settled("photo v2", BEYOND) is None  # a changed source: a new identity


def test_a_spec_that_settles_to_itself_gives_none() -> None:
    known = KnownSources(RenderOptions())
    known.learn("photo", PHOTO)
    assert known.settled("photo", parse("w=600&h=400&fit=crop")) is None


def test_it_keeps_the_latest_sources_only() -> None:
    known = KnownSources(RenderOptions(), size=2)
    for identity in ("a", "b", "c"):
        known.learn(identity, PHOTO)
    known.learn("b", PHOTO)  # used again: now the latest
    known.learn("d", PHOTO)
    assert [known.settled(i, BEYOND) is not None for i in "abcd"] == [False, True, False, True]
