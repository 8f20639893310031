"""``enlarger render``: one file through the same pipeline as the server, no server.

The output format is the one OUTPUT's extension names (.jpg/.jpeg, .png, .webp, .avif,
.gif, .jxl where this libvips writes it), or ``fm``; an OUTPUT with neither gets what the
pipeline picks for the source (its own format when writable). An image extension this
server cannot write (.tiff, and .jxl or .avif where libvips lacks the encoder), or an
``fm`` that contradicts the extension, is refused before anything is rendered.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.errors import ClientError
from enlarger.imaging import render as render_image
from enlarger.imaging import writable_formats
from enlarger.services import render_options
from enlarger.settings import Settings
from enlarger.spec.imgix import parse
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.negotiate import accepted_formats

_FORMATS_BY_SUFFIX = {f".{f.value}": f for f in Format if f is not Format.PJPG} | {
    ".jpeg": Format.JPG
}
#: image extensions of formats Enlarger never writes: refused like an unwritable format.
_OTHER_IMAGE_SUFFIXES = frozenset({".tif", ".tiff", ".heic", ".heif", ".bmp", ".jp2", ".jxr"})


def register(app: typer.Typer) -> None:
    app.command(name="render")(render)


def render(
    source: Annotated[Path, typer.Argument(help="Image file to render.")],
    query: Annotated[str, typer.Argument(help='imgix parameters, e.g. "w=300&fm=webp".')],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    config: Annotated[
        Path | None, typer.Option(help="TOML settings file (render limits) [ENLARGER_CONFIG].")
    ] = None,
) -> None:
    """Render SOURCE as QUERY asks and write the result to OUTPUT."""
    with reported_errors():
        settings = Settings.load(config_file=config)
        writable = writable_formats()
        spec = with_format_from(parse(query, writable), output, writable)
        rendered = render_image(
            source.read_bytes(), spec, accepted_formats(None), render_options(settings.render)
        )
        output.write_bytes(rendered.data)
    typer.echo(
        f"{output}: {rendered.format.value} {rendered.width}x{rendered.height}, "
        f"{len(rendered.data)} bytes"
    )


def with_format_from(spec: RenderSpec, output: Path, writable: frozenset[Format]) -> RenderSpec:
    """``spec`` with ``fm`` taken from OUTPUT's extension; ``ClientError`` when this server
    cannot write that extension or the query's ``fm`` contradicts it."""
    suffix = output.suffix.lower()
    implied = _FORMATS_BY_SUFFIX.get(suffix)
    if implied is None and suffix not in _OTHER_IMAGE_SUFFIXES:
        return spec  # not an image extension: fm, or the source's own format
    if implied is None or implied not in writable:
        names = ", ".join(sorted(s for s, f in _FORMATS_BY_SUFFIX.items() if f in writable))
        raise ClientError(f"cannot write {suffix} files here; the output may end in {names}")
    given = spec.output.fm
    if given is None:
        return dataclasses.replace(spec, output=dataclasses.replace(spec.output, fm=implied))
    if given.extension != implied.extension:
        raise ClientError(f"fm={given.value} contradicts the output's extension {suffix}")
    return spec
