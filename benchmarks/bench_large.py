"""Sources of 20+ MP for the memory and shedding benchmarks, made once from the shared photos.

The shared photos stop at 16 MP, so the largest ones are enlarged to about 24 MP under
``.work/large``: half saved as baseline JPEG, half progressive (as most camera and web
photos are; libjpeg keeps a progressive file's whole coefficient array while it decodes,
so these are the heavy case for memory), chroma subsampled 4:2:0 as the originals are.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyvips

TARGET_PIXELS = 24_000_000
BASES = (
    "lomiri16_seeding.jpg",
    "lomiri16_dragonfly.jpg",
    "lomiri16_sunset.jpg",
    "lomiri16_bridge.jpg",
)


def large_sources(photos: Path, work: Path) -> list[str]:
    """The names of the 24 MP sources in ``work / "large"``, made when missing."""
    folder = work / "large"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index, base in enumerate(BASES):
        progressive = index % 2 == 1
        name = f"{Path(base).stem}_24mp{'_progressive' if progressive else ''}.jpg"
        target = folder / name
        if not target.exists():
            image = pyvips.Image.new_from_file(str(photos / base))
            scale = math.sqrt(TARGET_PIXELS / (image.width * image.height))
            image.resize(scale).jpegsave(
                str(target), Q=90, interlace=progressive, subsample_mode="on", keep="none"
            )
        names.append(name)
    return names


def size_of(folder: Path, name: str) -> tuple[int, int]:
    header = pyvips.Image.new_from_file(str(folder / name))
    return header.width, header.height
