"""The imaging entry points ``render``, ``decode_preview`` and ``check_pixels``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyvips

from enlarger.errors import ClientError, InvalidParameter, TooManyPixels
from enlarger.imaging.encode import encode
from enlarger.imaging.errors import decode_errors
from enlarger.imaging.formats import writable_formats
from enlarger.imaging.pipeline import run_steps
from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.imaging.steps.colour import to_working_space
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Extent, Fit, Format, Geometry, RenderSpec
from enlarger.spec.negotiate import choose_format
from enlarger.spec.plan import make_plan


@dataclass(frozen=True, slots=True)
class RenderOptions:
    max_source_pixels: int = 50_000_000
    max_output_side: int = 8192
    #: libvips' default AVIF effort takes seconds: live renders use 0-2.
    avif_effort: int = 2


@dataclass(frozen=True, slots=True)
class Pixels:
    """Packed 8-bit sRGB pixels (R, G, B per pixel, row by row), alpha dropped."""

    rgb: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Sources:
    """The bytes one render reads: the main source, and the extras its spec names by role
    (``RenderSpec.extra_sources``: a watermark, a blend image, a mask)."""

    main: bytes
    extras: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    format: Format
    width: int
    height: int


def render(
    source: bytes | Sources,
    spec: RenderSpec,
    accepted: frozenset[Format],
    options: RenderOptions,
) -> Rendered:
    """Render ``source`` per ``spec``: probe, pixel limit, format, plan, pipeline, encode.

    ``source`` is the main source's bytes, or ``Sources`` when the spec names extras
    (they reach the pipeline's steps as ``Run.extras``).

    Raises ``UnprocessableImage`` (undecodable source or extra), ``TooManyPixels`` (each
    header checked before any decoding), ``OutputTooLarge``, ``InvalidParameter`` (a
    format this libvips cannot write) and ``ClientError`` (an extra the spec names is not
    in ``source``).
    """
    sources = source if isinstance(source, Sources) else Sources(source)
    data = sources.main
    facts = probe(data)
    for role in spec.extra_sources():
        if role not in sources.extras:
            raise ClientError(f"this render cannot draw the {role} image")
        check_pixels(probe(sources.extras[role]), options.max_source_pixels)
    check_pixels(facts, options.max_source_pixels)
    writable = writable_formats()
    fmt = choose_format(spec.output, accepted, facts, writable)
    if fmt is Format.PNG and _opaque_png_as_jpeg(spec, facts, data):
        fmt = Format.JPG
    if fmt not in writable:
        raise InvalidParameter("fm", "a format this server can write", fmt.value)
    plan = make_plan(spec, facts, options.max_output_side)
    with decode_errors():
        start = Run(data, spec, facts, plan, fmt, extras=sources.extras)
        done = run_steps(start)
        encoded = encode(
            done.image,
            fmt,
            spec.output,
            keep_profile=done.keep_profile,
            avif_effort=options.avif_effort,
        )
    return Rendered(encoded, fmt, done.image.width, done.image.height)


def _opaque_png_as_jpeg(spec: RenderSpec, facts: SourceFacts, data: bytes) -> bool:
    """``opaque_png_as_jpeg`` for a PNG whose alpha band is opaque everywhere (thumbor
    ``autojpg()`` reads the pixels; ``choose_format`` has already handled no alpha band)."""
    if not spec.output.opaque_png_as_jpeg or spec.output.fm is not None or not facts.has_alpha:
        return False
    with decode_errors():
        image = pyvips.Image.new_from_buffer(data, "", access="sequential")
        return bool(image.extract_band(image.bands - 1).min() == 255)


def check_pixels(facts: SourceFacts, max_source_pixels: int) -> None:
    """Raise ``TooManyPixels`` when the header's size is over the limit (nothing decoded)."""
    if facts.pixels > max_source_pixels:
        raise TooManyPixels(
            f"the image has {facts.pixels} pixels; the limit is {max_source_pixels}",
            width=facts.width,
            height=facts.height,
            limit=max_source_pixels,
        )


def decode_preview(data: bytes, facts: SourceFacts, side: int) -> Pixels:
    """Decode ``data`` (``probe``'s ``facts``) once, upright, fitted into ``side`` x ``side``.

    Upload validation's only decode: ``thumbnail`` shrinks on load (JPEG by up to 8, WebP
    to any size; HEIC is decoded in full) and reduces in the same pass, and truncated or
    corrupt data raise ``UnprocessableImage`` (422) instead of decoding grey. The size is
    the Plan's for ``w=side&h=side&fit=max`` (never enlarged), and CMYK and ICC-tagged
    sources become sRGB, so the pixels equal such a render's (with alpha dropped).
    Check the pixel limit first.
    """
    width, height = make_plan(_fit_within(side), facts).scaled
    with decode_errors():
        image = thumbnail(data, facts, width, height)
        rgb = to_working_space(image, keep_profile=False, colour=True).extract_band(0, n=3)
        return Pixels(bytes(rgb.write_to_memory()), rgb.width, rgb.height)


def _fit_within(side: int) -> RenderSpec:
    return RenderSpec(geometry=Geometry(w=Extent(side), h=Extent(side), fit=Fit.MAX))
