"""``enlarger generate-log``: a realistic access log (Zipf over images and parameters)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enlarger.cli.errors import reported_errors
from enlarger.errors import ClientError
from enlarger.replay.generate import generate, images_in


def register(app: typer.Typer) -> None:
    app.command(name="generate-log")(generate_log_command)


def generate_log_command(
    images: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="The originals folder.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the log.")],
    requests: Annotated[int, typer.Option(min=1, max=10_000_000)] = 10_000,
    image_exponent: Annotated[
        float, typer.Option(min=0.0, help="Zipf exponent over images.")
    ] = 1.0,
    parameter_exponent: Annotated[
        float, typer.Option(min=0.0, help="Zipf exponent over parameter sets.")
    ] = 1.2,
    seed: int = 1,
    prefix: Annotated[str, typer.Option(help="URL path the folder is served under.")] = "/",
) -> None:
    """Write REQUESTS lines in Enlarger's JSON access-log format for the images in IMAGES."""
    with reported_errors():
        names = images_in(images)
        if not names:
            raise ClientError(f"no images under {images}")
        lines = generate(
            names,
            requests,
            image_exponent=image_exponent,
            parameter_exponent=parameter_exponent,
            seed=seed,
            prefix=prefix,
        )
        with output.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
    typer.echo(f"wrote {requests} requests over {len(names)} images to {output}")
