"""Realistic access logs for when there is none yet: Zipf over images and parameter sets.

Photo sites see a few images asked for very often and a long tail asked for once; the
same holds for the sizes a site's templates use. Each line draws an image and a
parameter set independently, each by Zipf's law (the k-th most popular is chosen with
weight ``1 / k**s``), and is written as Enlarger's own JSON access-log line, so
``enlarger replay`` and ``enlarger warm`` read it like a real one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

#: what a photo site's templates ask for, most used first.
PARAMETER_SETS: tuple[str, ...] = (
    "w=400&auto=format",
    "w=200&h=200&fit=crop&auto=format",
    "w=800&auto=format",
    "w=400&dpr=2&auto=format",
    "w=1200&auto=format,compress",
    "w=100&h=100&fit=crop&fm=webp",
    "w=640&h=360&fit=crop&crop=entropy&fm=jpg&q=75",
    "w=1600&fm=jpg&q=80",
    "w=300&fm=webp&q=70",
    "w=64&h=64&fit=crop&fm=jpg&q=60",
)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif", ".heic", ".tif", ".tiff"})


def images_in(folder: Path) -> list[str]:
    """Every image under ``folder`` as a URL path relative to it, in a stable order."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1.0 / rank**exponent for rank in range(1, count + 1)]


def generate(
    images: Sequence[str],
    requests: int,
    *,
    parameter_sets: Sequence[str] = PARAMETER_SETS,
    image_exponent: float = 1.0,
    parameter_exponent: float = 1.2,
    seed: int = 1,
    prefix: str = "/",
) -> Iterator[str]:
    """``requests`` JSON log lines; images are shuffled by ``seed`` before ranking, so the
    most popular image is not always the first file."""
    if not images or not parameter_sets:
        raise ValueError("a log needs at least one image and one parameter set")
    rng = random.Random(seed)
    ranked = list(images)
    rng.shuffle(ranked)
    image_weights = list(itertools.accumulate(zipf_weights(len(ranked), image_exponent)))
    set_weights = list(itertools.accumulate(zipf_weights(len(parameter_sets), parameter_exponent)))
    start = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
    for n in range(requests):
        (image,) = rng.choices(ranked, cum_weights=image_weights)
        (query,) = rng.choices(parameter_sets, cum_weights=set_weights)
        line = {
            "event": "request",
            "time": (start + dt.timedelta(milliseconds=50 * n)).isoformat(),
            "method": "GET",
            "path": prefix.rstrip("/") + "/" + image,
            "query": query,
        }
        yield json.dumps(line)
