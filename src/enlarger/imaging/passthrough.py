"""Renders that need no decode and encode: the source itself, metadata stripped.

A request at or above the source's size, in the source's own format, with nothing to
change but metadata, is served as the source's bytes without their metadata segments,
when that output looks as the render would: a JPEG in sRGB (no ICC conversion), upright
(orientation 1), neither cut nor padded, turned or flipped, encoded no finer than asked
(its luminance table no finer than libjpeg's at the requested quality, the same chroma
subsampling) and in the asked-for scan mode (baseline or progressive).
"""

from __future__ import annotations

from enlarger.imaging import icc
from enlarger.imaging.jpeg_structure import JpegStructure, ijg_luminance_sum, read_structure
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Animation, Auto, Effects, Format, Output, RenderSpec
from enlarger.spec.plan import Box, Plan

_JPEG_FORMATS = frozenset({Format.JPG, Format.PJPG})
#: imgix ``chromasub`` -> the luminance sampling factors of a JPEG written with it
#: (4:2:2 is written as 4:4:4, see ``savers``).
_LUMA_SAMPLING = {420: (2, 2), 422: (1, 1), 444: (1, 1)}


def passthrough(
    data: bytes, facts: SourceFacts, spec: RenderSpec, plan: Plan, fmt: Format, quality: int
) -> bytes | None:
    """``data`` without its metadata when it can stand for the render; else None."""
    if fmt not in _JPEG_FORMATS or facts.loader != "jpeg":
        return None
    if not (_unchanged(facts, spec, plan) and _nothing_added(spec)):
        return None
    structure = read_structure(data)
    if structure is None or not _as_asked(structure, fmt, spec.output, quality):
        return None
    return structure.stripped


def _unchanged(facts: SourceFacts, spec: RenderSpec, plan: Plan) -> bool:
    """The Plan keeps every stored pixel where it is, at its size."""
    size = (facts.width, facts.height)
    return (
        facts.frames == 1
        and plan.orientation == 1
        and spec.orientation.flip is None
        and plan.rotate == 0
        and plan.pad is None
        and plan.interest is None
        and plan.scaled == size
        and plan.canvas == size
        and plan.region == Box(0, 0, *size)
    )


def _nothing_added(spec: RenderSpec) -> bool:
    """No effect, trim, margin, turn, description or size cap: the pixels are the source's
    and the answer is an image of them."""
    output = spec.output
    return (
        spec.effects == Effects()
        and spec.animation == Animation()
        and spec.geometry.trim is None
        and not spec.geometry.pad.any
        and spec.orientation.turn == 0
        and Auto.ENHANCE not in output.auto
        and output.report is None
        and output.palette is None
        and output.max_bytes is None
    )


def _as_asked(structure: JpegStructure, fmt: Format, output: Output, quality: int) -> bool:
    """Encoded the way the render would encode it, or more coarsely (never larger)."""
    chroma_ok = structure.components == 1 or (
        structure.components == 3
        and structure.luma_sampling == _LUMA_SAMPLING[output.chromasub or 420]
    )
    profile = structure.icc_profile
    return (
        structure.precision == 8
        and structure.progressive == (fmt is Format.PJPG)
        and chroma_ok
        and (not profile or icc.is_srgb(profile))
        and 0 < ijg_luminance_sum(quality) <= structure.luma_quantisation
    )
