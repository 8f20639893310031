"""The headers of the sources rendered lately, to settle specs against (``spec/settle.py``).

A request's box can only be settled once its source's size is known, and reading the
header for that would cost a read per request. So each process remembers the header of
each source it renders, by the source's identity (a changed source has a new identity,
so its old header is never used). A source's first renders are named by the URL's own
spec; from then on concurrent requests for the same output share one render.
"""

from __future__ import annotations

from functools import lru_cache

from enlarger.http.recent import Recent
from enlarger.imaging import RenderOptions
from enlarger.spec.canonical import canonical
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import RenderSpec
from enlarger.spec.settle import settle

#: sources whose header each process keeps (a few hundred bytes each), and settled specs.
KNOWN_SOURCES = 1024


class KnownSources:
    def __init__(self, options: RenderOptions, size: int = KNOWN_SOURCES) -> None:
        self._options = options
        self._facts: Recent[str, SourceFacts] = Recent(size)
        self._settle = lru_cache(maxsize=size)(self._settle_uncached)

    def learn(self, identity: str, facts: SourceFacts) -> None:
        self._facts.put(identity, facts)

    def settled(self, identity: str, spec: RenderSpec) -> tuple[RenderSpec, str] | None:
        """The settled spec and its canonical form when the source's header is known
        and settling changes ``spec``; else None."""
        facts = self._facts.get(identity)
        return None if facts is None else self._settle(spec, facts)

    def _settle_uncached(
        self, spec: RenderSpec, facts: SourceFacts
    ) -> tuple[RenderSpec, str] | None:
        options = self._options
        settled = settle(spec, facts, options.max_output_side, options.max_output_pixels)
        return None if settled is spec else (settled, canonical(settled))
