"""``enlarger render``: one file through the same pipeline as the server, no server.

The output format is ``fm`` when the query gives one, otherwise the one OUTPUT's
extension names (.jpg/.jpeg, .png, .webp, .avif, .gif, .jxl), otherwise what the
pipeline picks for the source (its own format when writable).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
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
        spec = with_format_from(parse(query, writable_formats()), output)
        rendered = render_image(
            source.read_bytes(), spec, accepted_formats(None), render_options(settings.render)
        )
        output.write_bytes(rendered.data)
    typer.echo(
        f"{output}: {rendered.format.value} {rendered.width}x{rendered.height}, "
        f"{len(rendered.data)} bytes"
    )


def with_format_from(spec: RenderSpec, output: Path) -> RenderSpec:
    """``spec`` with ``fm`` taken from OUTPUT's extension when the query names none."""
    implied = _FORMATS_BY_SUFFIX.get(output.suffix.lower())
    if spec.output.fm is not None or implied is None:
        return spec
    return dataclasses.replace(spec, output=dataclasses.replace(spec.output, fm=implied))
