"""Which output format a render gets: from ``fm``, from ``Accept`` with ``auto=format``, or
from the source itself.

Only explicit ``image/avif`` and ``image/webp`` media ranges count as support: browsers
send ``*/*`` and ``image/*`` whether or not they decode AVIF or WebP.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Auto, Format, Output

#: formats libvips writes in every build we ship; JPEG XL only when the caller says so.
DEFAULT_WRITABLE: frozenset[Format] = frozenset(Format) - {Format.JXL}

#: RFC 9110 ``qvalue``: 0 to 1 with at most three decimals.
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_NEGOTIABLE = {"image/avif": Format.AVIF, "image/webp": Format.WEBP}
#: what ``auto=format`` picks first when ``Accept`` names it, best first.
_PREFERRED = (Format.AVIF, Format.WEBP)

#: libvips loader -> the format a render keeps when neither fm nor auto=format decides.
#: HEIC ("heif") is not a web format, so it falls back to JPEG/PNG like TIFF; AV1-coded
#: HEIF is reported as "avif" by the probe and kept.
_KEPT = {
    "avif": Format.AVIF,
    "jpeg": Format.JPG,
    "png": Format.PNG,
    "webp": Format.WEBP,
    "gif": Format.GIF,
    "jxl": Format.JXL,
}


def accepted_formats(accept: str | None) -> frozenset[Format]:
    """AVIF and WebP when the ``Accept`` header names them with a q-value above 0.

    A type listed with ``q=0`` anywhere is refused even if listed again; a malformed
    q-value makes that one media range count for nothing.
    """
    offered: set[Format] = set()
    refused: set[Format] = set()
    for media_range in (accept or "").split(","):
        media_type, *params = (part.strip() for part in media_range.split(";"))
        fmt = _NEGOTIABLE.get(media_type.lower())
        if fmt is None:
            continue
        q = _quality(params)
        if q is None:
            continue
        (offered if q > 0 else refused).add(fmt)
    return frozenset(offered - refused)


def _quality(params: list[str]) -> float | None:
    """The ``q`` parameter's weight; 1 when absent, None when malformed."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _QVALUE.fullmatch(value) else None
    return 1.0


def choose_format(
    output: Output,
    accepted: frozenset[Format],
    facts: SourceFacts,
    writable: frozenset[Format] = DEFAULT_WRITABLE,
) -> Format:
    """``fm`` wins; then ``auto=format`` (AVIF, WebP, else PNG for alpha, else JPEG); then
    ``auto=compress`` (PNG for alpha, else JPEG, as imgix's transparency detection does);
    then the source's own format when it is writable; else JPEG, or PNG when there is alpha."""
    if output.fm is not None:
        return output.fm
    if Auto.FORMAT in output.auto:
        for preferred in _PREFERRED:
            if preferred in accepted and preferred in writable:
                return preferred
    elif Auto.COMPRESS not in output.auto:
        kept = _KEPT.get(facts.loader)
        if kept is Format.PNG and output.opaque_png_as_jpeg and not facts.has_alpha:
            return Format.JPG
        if kept is not None and kept in writable:
            return kept
    return Format.PNG if facts.has_alpha else Format.JPG


def varies_with_accept(output: Output) -> bool:
    """True when the format depends on ``Accept``: ``auto=format`` and no ``fm``."""
    return output.fm is None and Auto.FORMAT in output.auto


def variant_accepts(output: Output, writable: frozenset[Format]) -> tuple[frozenset[Format], ...]:
    """The accepted sets a stored preset is rendered for: one per negotiable format this
    libvips writes, then none (the JPEG/PNG fallback); just none when ``Accept`` cannot
    change the format."""
    if not varies_with_accept(output):
        return (frozenset(),)
    return (*(frozenset({fmt}) for fmt in _PREFERRED if fmt in writable), frozenset())


def variants_needed(output: Output) -> int:
    """How many stored formats make a preset complete: its one, or for ``auto=format`` the
    fallback and at least one negotiable format (AVIF is not written everywhere). A
    negotiated preset stored before variants existed has only the fallback: outdated."""
    return 2 if varies_with_accept(output) else 1


def pick_variant(stored: Collection[Format], accepted: frozenset[Format]) -> Format | None:
    """Which stored variant of an ``auto=format`` preset answers ``accepted``: the best
    negotiable format both sides have, else the fallback (the one not negotiable)."""
    for preferred in _PREFERRED:
        if preferred in accepted and preferred in stored:
            return preferred
    return next((fmt for fmt in stored if fmt not in _PREFERRED), None)
