"""The imaging entry points ``render``, ``decode_preview`` and ``check_pixels``."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyvips

from enlarger.errors import ClientError, InvalidParameter, OutputTooLarge, TooManyPixels
from enlarger.imaging.animation import decodes_all_frames, frame_height
from enlarger.imaging.control import UNSTEERED, RenderControl, cancellable, check_cancelled
from enlarger.imaging.encode import encode, quality_for
from enlarger.imaging.errors import decode_errors
from enlarger.imaging.formats import writable_formats
from enlarger.imaging.passthrough import passthrough
from enlarger.imaging.pipeline import StepClock, lap, no_clock, run_steps
from enlarger.imaging.probe import probe
from enlarger.imaging.reports import describes_source, render_document, source_document
from enlarger.imaging.savers import Effort, buffers_whole_jpeg
from enlarger.imaging.state import Run
from enlarger.imaging.steps.colour import to_working_space
from enlarger.imaging.thumbnail import thumbnail
from enlarger.spec.cost import is_heavy, jpeg_encoder_bytes, render_cost
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Extent, Fit, Format, Geometry, Output, RenderSpec
from enlarger.spec.negotiate import choose_format
from enlarger.spec.plan import Plan, make_plan


@dataclass(frozen=True, slots=True)
class RenderOptions:
    max_source_pixels: int = 50_000_000
    max_output_side: int = 8192
    max_output_pixels: int | None = None
    #: how hard each encoder works (``savers.Effort``).
    effort: Effort = field(default_factory=Effort)
    #: output pixels above which lossless WebP, AVIF and GIF are refused (400): their
    #: encoders hold several copies of the image and take seconds per megapixel.
    max_heavy_output_pixels: int = 8_000_000
    #: decode JPEGs at the coarsest scale that is no smaller than the output, as thumbor
    #: and sharp do (``imaging.thumbnail``'s ``fast_shrink``): faster, some quality lost.
    fast_shrink_on_load: bool = False


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
    #: set when the answer describes the image (``fm=json``, ``fm=blurhash``, ``palette``).
    document_type: str | None = None
    #: the main source's header, as ``probe`` read it.
    source: SourceFacts | None = None

    @property
    def media_type(self) -> str:
        return self.document_type or self.format.media_type


def render(
    source: bytes | Sources,
    spec: RenderSpec,
    accepted: frozenset[Format],
    options: RenderOptions,
    clock: StepClock = no_clock,
    control: RenderControl = UNSTEERED,
) -> Rendered:
    """Render ``source`` per ``spec``: probe, pixel limit, format, plan, pipeline, encode.

    A source that can stand for the render (``passthrough``: same format, same size,
    nothing to change but metadata) is returned without its metadata, not decoded.

    ``source`` is the main source's bytes, or ``Sources`` when the spec names extras
    (they reach the pipeline's steps as ``Run.extras``). ``control`` learns the render's
    cost once the Plan is made (``spec.cost.render_cost``) and can cancel it.

    Raises ``UnprocessableImage`` (undecodable source or extra), ``TooManyPixels`` (each
    header checked before any decoding), ``OutputTooLarge`` (also for a heavy encoder's
    output over ``max_heavy_output_pixels``), ``InvalidParameter`` (a format this libvips
    cannot write), ``ClientError`` (an extra the spec names is not in ``source``), and
    ``DeadlineExceeded`` once ``control`` cancels it. ``clock`` is told the seconds of
    each pipeline step and of ``encode``.
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
    fmt = choose_format(spec.output, accepted, _with_added_alpha(facts, spec), writable)
    if fmt is Format.PNG and _opaque_png_as_jpeg(spec, facts, data):
        fmt = Format.JPG
    if fmt not in writable:
        raise InvalidParameter("fm", "a format this server can write", fmt.value)
    all_frames = decodes_all_frames(facts, spec, fmt)
    if all_frames:
        check_pixels(facts, options.max_source_pixels, frames=facts.frames)
    if describes_source(spec.output):
        with decode_errors():
            document = source_document(data, facts, faces=spec.output.faces)
        return Rendered(document.data, fmt, facts.width, facts.height, document.media_type, facts)
    plan = make_plan(spec, facts, options.max_output_side, options.max_output_pixels)
    check_heavy_output(plan, fmt, spec.output, options.max_heavy_output_pixels)
    if not sources.extras and not all_frames:
        same = passthrough(data, facts, spec, plan, fmt, quality_for(spec.output))
        if same is not None:
            return Rendered(same, fmt, facts.width, facts.height, source=facts)
    source_bytes = len(data) + sum(len(extra) for extra in sources.extras.values())
    frames = facts.frames if all_frames else 1
    width, height = plan.canvas
    buffered = buffers_whole_jpeg(fmt, options.effort, width * height)
    encoder_bytes = jpeg_encoder_bytes(plan, spec.output, buffered)
    cost = render_cost(
        plan,
        facts.loader,
        fmt,
        spec.output,
        source_bytes,
        frames,
        facts.coefficients,
        encoder_bytes,
    )
    control.settle(cost)
    with decode_errors():
        start = Run(
            data,
            spec,
            facts,
            plan,
            fmt,
            extras=sources.extras,
            all_frames=all_frames,
            max_output_side=options.max_output_side,
            max_output_pixels=options.max_output_pixels,
            fast_shrink=options.fast_shrink_on_load,
        )
        done = run_steps(start, clock=clock)
        check_cancelled(control)
        report = render_document(done.image, spec.output)
        if report is not None:
            width, height = done.image.width, done.image.height
            return Rendered(report.data, fmt, width, height, report.media_type, facts)
        encoding = time.perf_counter()
        with cancellable(done.image, control):
            encoded = encode(
                done.image,
                fmt,
                spec.output,
                keep_profile=done.keep_profile,
                effort=options.effort,
            )
        lap(clock, "encode", encoding)
    return Rendered(encoded, fmt, done.image.width, frame_height(done.image), source=facts)


def _with_added_alpha(facts: SourceFacts, spec: RenderSpec) -> SourceFacts:
    """``facts`` as the format choice sees them: with alpha when the render adds it (a
    mask, transparent padding), so auto formats keep the transparency."""
    if facts.has_alpha or not spec.adds_alpha:
        return facts
    return dataclasses.replace(facts, has_alpha=True)


def _opaque_png_as_jpeg(spec: RenderSpec, facts: SourceFacts, data: bytes) -> bool:
    """``opaque_png_as_jpeg`` for a PNG whose alpha band is opaque everywhere (thumbor
    ``autojpg()`` reads the pixels; ``choose_format`` has already handled no alpha band)."""
    if not spec.output.opaque_png_as_jpeg or spec.output.fm is not None or not facts.has_alpha:
        return False
    with decode_errors():
        image = pyvips.Image.new_from_buffer(data, "", access="sequential")
        return bool(image.extract_band(image.bands - 1).min() == 255)


def check_pixels(facts: SourceFacts, max_source_pixels: int, frames: int = 1) -> None:
    """Raise ``TooManyPixels`` when the header's size is over the limit (nothing decoded).

    ``frames``: how many frames the render decodes; each counts in full.
    """
    pixels = facts.pixels * frames
    if pixels > max_source_pixels:
        size = f"{frames} frames of {facts.width}x{facts.height}" if frames > 1 else "the image"
        raise TooManyPixels(
            f"{size}: {pixels} pixels; the limit is {max_source_pixels}",
            width=facts.width,
            height=facts.height,
            frames=frames,
            limit=max_source_pixels,
        )


def check_heavy_output(plan: Plan, fmt: Format, output: Output, limit: int) -> None:
    """Raise ``OutputTooLarge`` for lossless WebP, AVIF or GIF over ``limit`` pixels."""
    width, height = plan.canvas
    if is_heavy(fmt, output) and width * height > limit:
        raise OutputTooLarge(
            f"{fmt.value} output{' (lossless)' if output.lossless else ''} of "
            f"{width}x{height} pixels is over this server's limit of {limit} pixels",
            width=width,
            height=height,
            limit=limit,
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
