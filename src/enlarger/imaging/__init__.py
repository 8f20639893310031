"""Everything that touches pixels. The only package that imports pyvips.

Public API (see ``api.py``): ``probe(data) -> SourceFacts`` reads a header without
decoding; ``render(data, spec, accepted, options) -> Rendered`` runs the whole pipeline.
"""
