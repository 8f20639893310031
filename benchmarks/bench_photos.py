"""The benchmark photos, and the check that an engine's output has the right size and format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyvips

from bench_formats import OutputFormat

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True, slots=True)
class Photo:
    name: str
    data: bytes
    width: int
    height: int

    def fitted(self, box: int) -> tuple[int, int]:
        """The size of this photo fitted inside ``box`` x ``box`` without enlarging."""
        scale = min(box / self.width, box / self.height, 1.0)
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))


@dataclass(frozen=True, slots=True)
class Target:
    """One request of a workload: ``photo`` fitted inside ``box`` x ``box``."""

    photo: Photo
    box: int


def load_photos(
    folder: Path, max_side: int | None, limit: int | None, min_side: int | None = None
) -> list[Photo]:
    """The JPEGs and PNGs at the top of ``folder``, sorted by name.

    ``max_side`` and ``min_side`` skip photos whose longer side is larger or smaller;
    ``limit`` keeps the first N.
    """
    photos = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in PHOTO_SUFFIXES:
            continue
        data = path.read_bytes()
        header = pyvips.Image.new_from_buffer(data, "")
        photo = Photo(path.name, data, int(header.width), int(header.height))
        longer = max(photo.width, photo.height)
        if (max_side is None or longer <= max_side) and (min_side is None or longer >= min_side):
            photos.append(photo)
    return photos[:limit] if limit else photos


def output_problem(body: bytes, fmt: OutputFormat, photo: Photo, box: int) -> str | None:
    """Why ``body`` is not ``photo`` fitted to ``box`` in ``fmt``; None when it is.

    The longer side must be exact; the shorter may differ by one pixel of rounding.
    """
    try:
        image = pyvips.Image.new_from_buffer(body, "")
        loader = str(image.get("vips-loader"))
        size = (int(image.width), int(image.height))
    except pyvips.Error as exc:
        return f"{photo.name}: unreadable {fmt.name} output ({len(body)} bytes): {exc}"
    if loader != fmt.vips_loader:
        return f"{photo.name}: expected {fmt.vips_loader}, got {loader}"
    want = photo.fitted(box)
    long_axis = 0 if want[0] >= want[1] else 1
    short_axis = 1 - long_axis
    if size[long_axis] != want[long_axis] or abs(size[short_axis] - want[short_axis]) > 1:
        return f"{photo.name}: expected {want[0]}x{want[1]} {fmt.name}, got {size[0]}x{size[1]}"
    return None
