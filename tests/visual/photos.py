"""Helpers for the photo tests: render an imgix query end to end, reference crops made
with plain pyvips, and what a JPEG's header says (SOF marker, chroma sampling)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import pyvips

from enlarger.imaging import Rendered, RenderOptions, render
from enlarger.spec import imgix
from enlarger.spec.model import Format
from tests.support.images import decode, fixture

#: 225 x 150 cat, sRGB profile and an EXIF block.
CHELSEA = fixture("skimage_chelsea_225.png")
#: 640 x 427 launch pad at dusk, Adobe RGB (1998) profile.
ROCKET = fixture("skimage_rocket.jpg")
#: 320 x 200 greyscale JPEG.
GREY = fixture("plasma_grey_gray_320.jpg")
#: 240 x 150 grey + alpha PNG (alpha about 55 %).
GREY_ALPHA = fixture("mate_stripes_la_240.png")
#: Canon camera JPEG stored 160 x 240 with EXIF orientation 6: upright it is 240 x 160.
STORM = fixture("mate_storm_exif6_240.jpg")


@dataclass(frozen=True)
class Output:
    """One render: what ``render`` said and the decoded pixels."""

    rendered: Rendered
    image: Any

    @property
    def size(self) -> tuple[int, int]:
        return self.image.width, self.image.height


def run(source: bytes, query: str, accepted: frozenset[Format] = frozenset()) -> Output:
    """``render(source, imgix.parse(query), accepted, RenderOptions())``, decoded."""
    rendered = render(source, imgix.parse(query), accepted, RenderOptions())
    return Output(rendered, decode(rendered.data))


def upright(data: bytes) -> Any:
    """The source as a viewer shows it: EXIF orientation applied, converted to sRGB."""
    image = decode(data)
    if image.get_typeof("icc-profile-data") != 0:
        image = image.icc_transform("srgb", embedded=True)
    return image.autorot()


def reference_crop(
    data: bytes, box: tuple[float, float, float, float], size: tuple[int, int]
) -> Any:
    """``box`` (left, top, width, height) of the upright source, resized to ``size``."""
    left, top, width, height = (round(v) for v in box)
    region = upright(data).crop(left, top, width, height)
    return region.resize(size[0] / region.width, vscale=size[1] / region.height)


def with_alpha_mask(data: bytes, transparent_share: float) -> bytes:
    """``data`` as a PNG whose left ``transparent_share`` of columns is fully transparent."""
    image = upright(data)
    edge = round(image.width * transparent_share)
    columns = pyvips.Image.xyz(image.width, image.height)[0]
    alpha = (columns >= edge).ifthenelse(255, 0).cast("uchar")
    png: bytes = image.bandjoin(alpha).pngsave_buffer()
    return png


def on_flat_grey(data: bytes, *, photo_left: bool) -> bytes:
    """The photo beside an equal-sized flat grey area (left or right of it), as PNG."""
    photo = upright(data)
    canvas = photo.new_from_image([128, 128, 128]).embed(
        0, 0, photo.width * 2, photo.height, extend="copy"
    )
    png: bytes = canvas.insert(photo, 0 if photo_left else photo.width, 0).pngsave_buffer()
    return png


#: the stored-pixel transform whose EXIF orientation ``n`` shows the picture upright.
_STORED_FOR = {
    1: lambda image: image,
    2: lambda image: image.fliphor(),
    3: lambda image: image.rot("d180"),
    4: lambda image: image.flipver(),
    5: lambda image: image.rot("d90").fliphor(),
    6: lambda image: image.rot("d270"),
    7: lambda image: image.rot("d270").fliphor(),
    8: lambda image: image.rot("d90"),
}


def exif_tagged(data: bytes, orientation: int) -> bytes:
    """A JPEG whose stored pixels and EXIF ``orientation`` show ``data`` upright."""
    stored = _STORED_FOR[orientation](upright(data)).copy()
    stored.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    jpeg: bytes = stored.jpegsave_buffer(Q=95)
    return jpeg


@dataclass(frozen=True)
class FrameHeader:
    """A JPEG's start-of-frame segment: its marker (0xC0 baseline, 0xC2 progressive) and
    each component's (horizontal, vertical) sampling factors."""

    marker: int
    sampling: tuple[tuple[int, int], ...]

    @property
    def chroma(self) -> str:
        """4:4:4, 4:2:2 or 4:2:0 from the luma factors (chroma components are 1x1)."""
        if len(self.sampling) == 1:
            return "grey"
        return {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0"}[self.sampling[0]]


def frame_header(data: bytes) -> FrameHeader:
    """Walk the JPEG's marker segments to its SOFn."""
    offset = 2
    while offset < len(data):
        marker, length = data[offset + 1], struct.unpack_from(">H", data, offset + 2)[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            count = data[offset + 9]
            factors = bytes(data[offset + 11 + 3 * i] for i in range(count))
            return FrameHeader(marker, tuple((f >> 4, f & 15) for f in factors))
        offset += 2 + length
    raise AssertionError("no start-of-frame marker")
