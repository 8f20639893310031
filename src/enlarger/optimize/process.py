"""The pixel work of one request: resize (through ``imaging.render``), then optimize.

Synchronous and CPU-bound: the HTTP layer runs it in the render pool, the ``optimize``
job in a worker slot. A resize or a ``convert.background`` is rendered first to a
lossless PNG so that only the optimizer decides what is lost; the result keeps the
input's format unless ``convert`` names another. Resizing a JPEG is a re-encode: it
aims at the lossy target (visually lossless by default) even without ``lossy``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from enlarger import imaging
from enlarger.imaging import RenderOptions
from enlarger.optimize.api import Optimized, optimize
from enlarger.optimize.options import OptimizeOptions, OutputFormat
from enlarger.optimize.request import OptimizeRequest
from enlarger.optimize.resize import Resize
from enlarger.spec.model import Format, Output, RenderSpec

#: libvips loaders the optimizer can write back in the same format.
_SAME_FORMAT = {
    "jpeg": OutputFormat.JPEG,
    "png": OutputFormat.PNG,
    "webp": OutputFormat.WEBP,
    "avif": OutputFormat.AVIF,
    "gif": OutputFormat.GIF,
}
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif", "gif": "gif"}


@dataclass(frozen=True, slots=True)
class ProcessedFile:
    """One optimized file: ``resize_id`` None for a request without resizes."""

    resize_id: str | None
    optimized: Optimized

    @property
    def extension(self) -> str:
        return _EXTENSIONS.get(self.optimized.format, self.optimized.format)


@dataclass(frozen=True, slots=True)
class Processed:
    original_width: int
    original_height: int
    original_format: str
    outputs: tuple[ProcessedFile, ...]


def process(data: bytes, request: OptimizeRequest, render: RenderOptions) -> Processed:
    facts = imaging.probe(data)
    imaging.check_pixels(facts, render.max_source_pixels)
    sizes: tuple[Resize | None, ...] = request.resizes or (None,)
    outputs = tuple(
        ProcessedFile(
            None if size is None else size.id, _one(data, facts.loader, size, request, render)
        )
        for size in sizes
    )
    return Processed(facts.oriented_width, facts.oriented_height, facts.loader, outputs)


def _one(
    data: bytes,
    loader: str,
    size: Resize | None,
    request: OptimizeRequest,
    render: RenderOptions,
) -> Optimized:
    if size is None and request.background is None:
        return optimize(data, request.options)
    facts = imaging.probe(data)
    spec = (
        size.render_spec(facts.oriented_width, facts.oriented_height)
        if size is not None
        else RenderSpec(output=Output(fm=Format.PNG, lossless=True))
    )
    if request.background is not None:
        spec = dataclasses.replace(
            spec, output=dataclasses.replace(spec.output, bg=request.background)
        )
    rendered = imaging.render(data, spec, frozenset(), render)
    result = optimize(rendered.data, _rendered_options(request.options, loader))
    return dataclasses.replace(result, input_size=len(data))


def _rendered_options(options: OptimizeOptions, loader: str) -> OptimizeOptions:
    """Options for a PNG rendered from a ``loader`` input: keep the input's format."""
    fmt = options.format
    if fmt is OutputFormat.SAME:
        fmt = _SAME_FORMAT.get(loader, OutputFormat.PNG)
    lossy = options.lossy or fmt is OutputFormat.JPEG
    return dataclasses.replace(options, format=fmt, lossy=lossy)
