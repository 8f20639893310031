"""What the render planner needs to know about a source, read from its header only."""

from __future__ import annotations

from dataclasses import dataclass

#: EXIF orientations 5-8 swap width and height once applied.
_TRANSPOSING = frozenset({5, 6, 7, 8})


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """Header facts of one source image (no pixels decoded).

    ``width``/``height`` are as stored; ``oriented_*`` are after EXIF orientation.
    ``loader`` is libvips' format name ("jpeg", "png", "webp", "gif", "heif", "tiff", ...),
    except that AV1-compressed HEIF is "avif" (HEIC stays "heif").
    ``interpretation`` is libvips' name ("srgb", "b-w", "cmyk", "rgb16", "grey16", ...).
    ``frames`` counts the pages an animated (or multi-page) source holds, each
    ``width`` x ``height``; ``delays`` is each frame's display time in ms, empty for stills
    (and for pages without timing); ``loop`` its repeat count (0: forever). Renders decode
    the first frame unless asked for all. ``coefficients`` counts the DCT coefficients
    (2 bytes each) a decode holds at once whatever its shrink: a progressive JPEG's whole
    coefficient array (libjpeg keeps it for every scan); 0 for everything else.
    """

    width: int
    height: int
    loader: str
    orientation: int = 1
    has_alpha: bool = False
    bands: int = 3
    interpretation: str = "srgb"
    has_icc: bool = False
    frames: int = 1
    delays: tuple[int, ...] = ()
    loop: int = 0
    coefficients: int = 0

    @property
    def oriented_width(self) -> int:
        return self.height if self.orientation in _TRANSPOSING else self.width

    @property
    def oriented_height(self) -> int:
        return self.width if self.orientation in _TRANSPOSING else self.height

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def greyscale(self) -> bool:
        return self.interpretation in {"b-w", "grey16"}
