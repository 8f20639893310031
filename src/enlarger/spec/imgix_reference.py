"""``docs/imgix-compatibility.md``: every parameter of imgix's published list with its
status here, generated from the parameter table (``spec.imgix``) and its status registry
(``spec.imgix_status``) so that the page cannot drift from the code.

The published list is ``imgix-url-params``' ``parameters.json`` (the test clients in
``tests/node`` install it). Regenerate the page with
``ENLARGER_REGENERATE=1 pytest tests/unit/spec/test_imgix_reference.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from enlarger.spec.imgix_status import Support, status

_INTRO = """\
# imgix compatibility reference

Generated from the parameter table in `src/enlarger/spec/imgix.py` and its status registry
(`src/enlarger/spec/imgix_status.py`) against imgix's published parameter list
(npm `imgix-url-params` {version}); do not edit by hand. A parameter that is not supported
is refused with a 400 that names it, never ignored. Every supported parameter also takes
its aliases and, unless noted by imgix, a base64url `<name>64` form.

{summary}
"""


def reference(published: Mapping[str, Any]) -> str:
    """The Markdown page for ``published`` (the parsed ``parameters.json``)."""
    parameters: Mapping[str, Mapping[str, Any]] = published["parameters"]
    aliases = _aliases(published)
    counts = Counter(status(n, p["category"]).support for n, p in parameters.items())
    summary = ", ".join(f"{counts[s]} {s.value}" for s in Support)
    intro = _INTRO.format(
        version=published["version"], summary=f"{len(parameters)} parameters: {summary}."
    )
    return "\n".join([intro, *_sections(parameters, aliases)])


def _sections(
    parameters: Mapping[str, Mapping[str, Any]], aliases: Mapping[str, list[str]]
) -> Iterator[str]:
    by_category: dict[str, list[str]] = defaultdict(list)
    for name, entry in parameters.items():
        by_category[entry["category"]].append(name)
    for category in sorted(by_category):
        yield f"## {category}\n"
        yield "| parameter | aliases | status | how / why |"
        yield "|---|---|---|---|"
        for name in sorted(by_category[category]):
            found = status(name, category)
            alias_text = ", ".join(f"`{a}`" for a in aliases[name])
            link = f"[`{name}`]({parameters[name]['url']})"
            yield f"| {link} | {alias_text} | {found.support.value} | {found.note} |"
        yield ""


def _aliases(published: Mapping[str, Any]) -> Mapping[str, list[str]]:
    """Each parameter's aliases: its own list plus the top-level alias map."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, entry in published["parameters"].items():
        found[name].update(entry.get("aliases", []))
    for alias, name in published["aliases"].items():
        found[name].add(alias)
    for name, names in found.items():
        names.discard(name)  # imgix lists one parameter as its own alias
    return defaultdict(list, {name: sorted(names) for name, names in found.items()})
