"""The visual regression table: one row per rendering, grouped by parameter group.

A row names its URL (an imgix query, or a thumbor path without its signature) and the
photo it renders; ``test_regression`` compares the render with its stored reference in
``references/<name>.webp`` and ``contact_sheet`` shows every row on one page. To add a
parameter group, append rows here, add any source
it needs to ``SOURCES``, and regenerate its references with
``ENLARGER_REGENERATE_VISUAL=1 pytest tests/visual/test_regression.py``; then look at
them (docs/visual/contact-sheet.html) before committing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import pyvips

from enlarger.spec.model import Format
from tests.support.images import fixture
from tests.visual.photos import exif_tagged, upright, with_alpha_mask

#: mean CIEDE2000 over the picture under which colours count as unchanged (2.3 is about
#: a just noticeable difference; the render meets its reference after the same encoding).
COLOUR_LIMIT = 2.0
#: share of pixels allowed to change by a CIEDE2000 over 10 (``regression.CHANGED``):
#: a moved edge or a changed corner; a different WebP encoder changes under 0.2 %.
AREA_LIMIT = 0.005
#: differing bits of the 64-bit perceptual hash under which the picture is the same.
HASH_LIMIT = 6


@dataclass(frozen=True)
class Case:
    #: the reference's file name (``references/<name>.webp``): lowercase, digits, dashes.
    name: str
    group: str
    #: an imgix query, or for ``dialect="thumbor"`` the path after the signature.
    url: str
    #: a key of ``SOURCES``.
    source: str = "chelsea"
    dialect: Literal["imgix", "thumbor"] = "imgix"
    #: what the client's ``Accept`` offers (``auto=format``).
    accepted: frozenset[Format] = frozenset()
    #: role -> a key of ``SOURCES``: the extra images the spec names (watermark, blend...).
    extras: Mapping[str, str] = field(default_factory=dict)
    hash_limit: int = HASH_LIMIT
    #: mean CIEDE2000 limit; None where only the structure is checked (both colour
    #: limits are then off).
    colour_limit: float | None = COLOUR_LIMIT
    area_limit: float = AREA_LIMIT


def _framed() -> bytes:
    """The cat on a flat grey margin: 30 px left, 40 right, 20 top, 30 bottom."""
    photo = upright(fixture("skimage_chelsea_225.png"))
    grey = photo.new_from_image([128, 128, 128])
    canvas = grey.embed(0, 0, photo.width + 70, photo.height + 50, extend="copy")
    png: bytes = canvas.insert(photo, 30, 20).pngsave_buffer()
    return png


def _animated() -> bytes:
    """Four 120 x 80 frames of the cat, each hue-turned a further 90 degrees, 200 ms each."""
    photo = upright(fixture("skimage_chelsea_225.png")).thumbnail_image(120)
    frames = []
    for turn in range(4):
        turned = photo.colourspace("lch").linear([1, 1, 1], [0, 0, 90 * turn])
        frames.append(turned.colourspace("srgb").cast("uchar"))
    strip = pyvips.Image.arrayjoin(frames, across=1).copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", photo.height)
    strip.set_type(pyvips.GValue.array_int_type, "delay", [200] * 4)
    strip.set_type(pyvips.GValue.gint_type, "loop", 0)
    gif: bytes = strip.gifsave_buffer()
    return gif


def _badge() -> bytes:
    """A 64 x 64 watermark: an orange ring on transparency, a white disc inside it."""
    xy = pyvips.Image.xyz(64, 64) - 32
    radius = (xy[0] ** 2 + xy[1] ** 2) ** 0.5
    ring = (radius < 30) & (radius >= 22)
    disc = radius < 14
    red = ring.ifthenelse(255, 255)
    green = ring.ifthenelse(120, 255)
    blue = ring.ifthenelse(0, 255)
    alpha = (ring | disc).ifthenelse(255, 0)
    png: bytes = red.bandjoin([green, blue, alpha]).cast("uchar").pngsave_buffer()
    return png


def _spotlight() -> bytes:
    """A 100 x 100 greyscale mask: white in a centred circle fading out to black."""
    xy = pyvips.Image.xyz(100, 100) - 50
    radius = (xy[0] ** 2 + xy[1] ** 2) ** 0.5
    grey = (255 - (radius - 25) * 255 / 20).cast("uchar")  # clipped at 0 and 255 by cast
    png: bytes = ((radius < 25).ifthenelse(255, grey)).cast("uchar").pngsave_buffer()
    return png


SOURCES: dict[str, Callable[[], bytes]] = {
    #: 225 x 150 cat (scikit-image's ``chelsea``), sRGB.
    "chelsea": lambda: fixture("skimage_chelsea_225.png"),
    #: the cat stored rotated with EXIF orientation 6 (upright it is the same cat).
    "chelsea-exif6": lambda: exif_tagged(fixture("skimage_chelsea_225.png"), 6),
    #: the cat with its left 30 % transparent.
    "chelsea-alpha": lambda: with_alpha_mask(fixture("skimage_chelsea_225.png"), 0.3),
    #: the cat on a flat grey margin, for trim.
    "chelsea-framed": _framed,
    #: an animated GIF of the cat.
    "chelsea-animated": _animated,
    #: 640 x 427 rocket at dusk with an Adobe RGB (1998) profile.
    "rocket": lambda: fixture("skimage_rocket.jpg"),
    #: 256 x 256 portrait (scikit-image's ``astronaut``): one face, upper middle.
    "astronaut": lambda: fixture("skimage_astronaut_256.jpg"),
    #: a round watermark with transparency, and a soft round mask.
    "badge": _badge,
    "spotlight": _spotlight,
}


@cache
def source_bytes(name: str) -> bytes:
    return SOURCES[name]()


def _group(
    group: str,
    rows: list[tuple[str, str]],
    source: str = "chelsea",
    dialect: Literal["imgix", "thumbor"] = "imgix",
) -> list[Case]:
    """Cases of one group from (name, url) rows that share their source and dialect."""
    return [Case(name, group, url, source=source, dialect=dialect) for name, url in rows]


SIZE = _group(
    "size, fit and crop",
    [
        ("w-120", "w=120"),
        ("h-60-dpr-2", "h=60&dpr=2"),
        ("fit-crop-square", "w=100&h=100&fit=crop"),
        ("fit-crop-entropy", "w=80&h=120&fit=crop&crop=entropy"),
        ("fit-crop-right", "w=80&h=120&fit=crop&crop=right"),
        ("fit-crop-focalpoint", "w=100&h=100&fit=crop&crop=focalpoint&fp-x=0.3&fp-y=0.4&fp-z=2"),
        ("fit-fill-solid", "w=160&h=160&fit=fill&fill=solid&fill-color=2a4d69"),
        ("fit-fill-blur", "w=160&h=160&fit=fill&fill=blur"),
        ("fit-scale", "w=160&h=80&fit=scale"),
        ("fit-max-no-upscale", "w=400&fit=max"),
        ("ar-1-1", "ar=1:1&fit=crop&w=120"),
        ("rect", "rect=60,20,120,90"),
        ("flip-h", "flip=h"),
        ("rot-30", "rot=30&bg=fff"),
        ("orient-90", "orient=90"),
    ],
)
SIZE.append(Case("exif-orientation-6", "size, fit and crop", "w=150", source="chelsea-exif6"))

ADJUST = _group(
    "adjustments",
    [
        ("bri-40", "bri=40"),
        ("bri-minus-40", "bri=-40"),
        ("con-60", "con=60"),
        ("exp-50", "exp=50"),
        ("gam-50", "gam=50"),
        ("high-minus-80", "high=-80"),
        ("shad-80", "shad=80"),
        ("hue-120", "hue=120"),
        ("sat-minus-100", "sat=-100"),
        ("sat-80", "sat=80"),
        ("vib-80", "vib=80"),
        ("invert", "invert=true"),
        ("sharp-80", "sharp=80"),
        ("usm-80-usmrad-5", "usm=80&usmrad=5"),
        ("nr-100", "nr=100&nrs=0"),
    ],
)

STYLIZE = _group(
    "stylize",
    [
        ("blur-50", "blur=50"),
        ("sepia-100", "sepia=100"),
        ("monochrome-orange", "monochrome=ff8000"),
        ("duotone", "duotone=000080,ffd700"),
        ("duotone-alpha-50", "duotone=000080,ffd700&duotone-alpha=50"),
        ("px-10", "px=10"),
        ("htn-50", "htn=50"),
    ],
)

FRAME = _group(
    "border, pad and mask",
    [
        ("border-10-red", "border=10,d00000"),
        ("border-sides", "border=10,d00000&border-top=0&border-left=30"),
        ("border-radius", "border=8,1d3557&border-radius=40"),
        ("border-radius-inner", "border=12,1d3557&border-radius-inner=30"),
        ("pad-20-bg", "pad=20&bg=f1c40f"),
        ("pad-sides-transparent", "pad=5&pad-left=30&fm=png"),
        ("mask-ellipse", "mask=ellipse&fm=png"),
        ("mask-ellipse-bg", "mask=ellipse&mask-bg=2a9d8f"),
        ("mask-corners", "mask=corners&corner-radius=30&fm=png"),
    ],
)

TRIM = _group(
    "trim",
    [
        ("trim-auto", "trim=auto"),
        ("trim-color", "trim=color&trim-color=808080"),
        ("trim-pad", "trim=auto&trim-pad=10"),
    ],
    source="chelsea-framed",
)

FORMATS = [
    Case("fm-jpg-q20", "formats", "fm=jpg&q=20"),
    Case("fm-webp-lossless", "formats", "fm=webp&lossless=1"),
    Case("fm-avif", "formats", "fm=avif&q=60"),
    Case("fm-gif", "formats", "fm=gif"),
    Case("auto-format-webp", "formats", "auto=format", accepted=frozenset({Format.WEBP})),
    Case("alpha-to-jpg", "formats", "fm=jpg&bg=e63946", source="chelsea-alpha"),
    Case("alpha-png", "formats", "fm=png", source="chelsea-alpha"),
    Case("cs-adobergb-to-srgb", "formats", "w=240&cs=srgb", source="rocket"),
    Case("cs-strip", "formats", "w=240&cs=strip", source="rocket"),
]

ANIMATION = _group(
    "animation",
    [
        ("first-frame-png", "fm=png"),
        ("frame-3", "frame=3&fm=png"),
        ("animated-gif-w-60", "w=60&fm=gif"),
        ("animated-webp-reverse", "w=60&fm=webp&reverse=true"),
        ("animated-sepia", "sepia=100&fm=webp&w=60"),
    ],
    source="chelsea-animated",
)

THUMBOR = _group(
    "thumbor filters",
    [
        ("thumbor-fit-in", "fit-in/160x160/filters:fill(1d3557)/chelsea.png"),
        ("thumbor-smart-crop", "100x100/smart/chelsea.png"),
        ("thumbor-manual-crop", "40x10:180x130/chelsea.png"),
        ("thumbor-grayscale", "filters:grayscale()/chelsea.png"),
        ("thumbor-brightness", "filters:brightness(30)/chelsea.png"),
        ("thumbor-contrast", "filters:contrast(40)/chelsea.png"),
        ("thumbor-saturation", "filters:saturation(1.5)/chelsea.png"),
        ("thumbor-rgb", "filters:rgb(30,-10,-20)/chelsea.png"),
        ("thumbor-equalize", "filters:equalize()/chelsea.png"),
        ("thumbor-blur", "filters:blur(4)/chelsea.png"),
        ("thumbor-sharpen", "filters:sharpen(2,1,true)/chelsea.png"),
        ("thumbor-rotate", "filters:rotate(90)/chelsea.png"),
        ("thumbor-round-corner", "filters:round_corner(30,255,255,255)/chelsea.png"),
        ("thumbor-upscale", "fit-in/320x320/filters:upscale()/chelsea.png"),
        ("thumbor-convolution", "filters:convolution(1;2;1;2;4;2;1;2;1,3,true)/chelsea.png"),
        ("thumbor-flip", "-160x0/chelsea.png"),
    ],
    dialect="thumbor",
)


def _overlay(name: str, url: str, **extras: str) -> Case:
    return Case(name, "watermark, text, blend", url, extras=extras)


OVERLAYS = [
    _overlay("mark-bottom-right", "mark=badge.png&mark-w=48", watermark="badge"),
    _overlay(
        "mark-centre-alpha",
        "mark=badge.png&mark-align=center,middle&mark-alpha=50&mark-w=90",
        watermark="badge",
    ),
    _overlay("mark-tile-grid", "mark=badge.png&mark-tile=grid&mark-w=30", watermark="badge"),
    _overlay(
        "mark-rot-top-left", "mark=badge.png&mark-rot=30&mark-align=top,left", watermark="badge"
    ),
    _overlay(
        "txt-shadow", "txt=Chelsea&txt-size=28&txt-color=fff&txt-align=bottom,center&txt-shad=5"
    ),
    _overlay(
        "txt-accents-outline",
        "txt=Ren%C3%A9e%20%C2%A9%202026&txt-size=22&txt-color=ff0&txt-line=2"
        "&txt-line-color=000&txt-align=top,left",
    ),
    _overlay(
        "txt-clipped-to-width",
        "txt=A%20caption%20longer%20than%20its%20width&txt-width=140&txt-size=18"
        "&txt-align=middle,center&txt-color=fff&txt-shad=8&txt-clip=end,ellipsis",
    ),
    _overlay("blend-colour-multiply", "blend=ff6600&blend-mode=multiply&blend-alpha=70"),
    _overlay(
        "blend-image-screen",
        "blend=badge.png&blend-mode=screen&blend-size=inherit",
        blend="badge",
    ),
    _overlay("mask-image", "mask=spotlight.png&fm=png", mask="spotlight"),
]

FACES = [
    Case("crop-faces", "faces", "w=100&h=100&fit=crop&crop=faces", source="astronaut"),
    Case("fit-facearea", "faces", "w=120&h=120&fit=facearea&facepad=1.5", source="astronaut"),
    Case(
        "thumbor-smart-face",
        "faces",
        "100x100/smart/astronaut.jpg",
        source="astronaut",
        dialect="thumbor",
    ),
]

CASES: list[Case] = [
    *SIZE,
    *ADJUST,
    *STYLIZE,
    *FRAME,
    *TRIM,
    *FORMATS,
    *ANIMATION,
    *THUMBOR,
    *OVERLAYS,
    *FACES,
]
