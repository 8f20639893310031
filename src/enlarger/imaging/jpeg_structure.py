"""What a JPEG's headers say about how it was encoded, read from its marker segments.

Enough to decide whether a JPEG can be served as it is (``passthrough.py``): its frame
type, sample precision and chroma subsampling, its luminance quantisation (how coarse
it is, against libjpeg's table at a given quality), its ICC profile; and the file with
its metadata segments dropped, the entropy-coded data untouched.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_SOI = b"\xff\xd8"
_SOS = 0xDA
_DQT = 0xDB
_COM = 0xFE
_APP0, _APP2, _APP14 = 0xE0, 0xE2, 0xEE
_SEQUENTIAL = frozenset({0xC0, 0xC1})  # baseline and extended, Huffman
_PROGRESSIVE = 0xC2
#: frame types with arithmetic coding, lossless or hierarchical: never passed through.
_OTHER_FRAMES = frozenset({0xC3, *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_ICC_TAG = b"ICC_PROFILE\0"
#: libjpeg's (IJG) luminance quantisation table at quality 50.
_IJG_LUMINANCE = (
    *(16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55),
    *(14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62),
    *(18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92),
    *(49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99),
)


@dataclass(frozen=True, slots=True)
class JpegStructure:
    progressive: bool
    precision: int
    components: int
    #: the luminance component's (horizontal, vertical) sampling factors: (2, 2) is 4:2:0.
    luma_sampling: tuple[int, int]
    #: the sum of the luminance quantisation table (8-bit entries), 0 when absent.
    luma_quantisation: int
    icc_profile: bytes
    #: the file without APP1-APP13, APP15 and comment segments (APP0 JFIF and APP14
    #: Adobe stay: they tell decoders how to read the colours).
    stripped: bytes


def read_structure(jpeg: bytes) -> JpegStructure | None:
    """The headers of ``jpeg``, or None when it is not a JPEG this module can read."""
    if not jpeg.startswith(_SOI):
        return None
    kept, icc = [_SOI], []
    frame: tuple[int, bytes] | None = None
    luma = 0
    pos = len(_SOI)
    try:
        while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF:
            marker = jpeg[pos + 1]
            if marker in _STANDALONE:
                kept.append(jpeg[pos : pos + 2])
                pos += 2
                continue
            if marker == _SOS:
                kept.append(jpeg[pos:])
                break
            (length,) = struct.unpack_from(">H", jpeg, pos + 2)
            segment, body = jpeg[pos : pos + 2 + length], jpeg[pos + 4 : pos + 2 + length]
            pos += 2 + length
            if marker == _APP2 and body.startswith(_ICC_TAG):
                icc.append(body[len(_ICC_TAG) + 2 :])  # after sequence number and count
            if marker == _DQT:
                luma = luma or _luma_sum(body)
            if marker in _SEQUENTIAL or marker == _PROGRESSIVE or marker in _OTHER_FRAMES:
                frame = (marker, body)
            if _is_metadata(marker):
                continue
            kept.append(segment)
        else:
            return None  # no start of scan
        if frame is None or frame[0] in _OTHER_FRAMES:
            return None
        marker, body = frame
        precision, components = body[0], body[5]
        sampling = body[7]
    except (struct.error, IndexError):
        return None
    return JpegStructure(
        progressive=marker == _PROGRESSIVE,
        precision=precision,
        components=components,
        luma_sampling=(sampling >> 4, sampling & 0x0F),
        luma_quantisation=luma,
        icc_profile=b"".join(icc),
        stripped=b"".join(kept),
    )


def ijg_luminance_sum(quality: int) -> int:
    """The sum of libjpeg's luminance table at ``quality`` (1-100), entries 1-255."""
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return sum(min(max((base * scale + 50) // 100, 1), 255) for base in _IJG_LUMINANCE)


def _luma_sum(dqt: bytes) -> int:
    """The sum of table 0 in a DQT segment's body (0 if it holds only other tables)."""
    index = 0
    while index < len(dqt):
        precision, table = dqt[index] >> 4, dqt[index] & 0x0F
        size = 128 if precision else 64
        values = dqt[index + 1 : index + 1 + size]
        if table == 0:
            return sum(struct.unpack(">64H", values)) if precision else sum(values)
        index += 1 + size
    return 0


def _is_metadata(marker: int) -> bool:
    """EXIF, XMP, ICC, IPTC and the like, and comments: nothing a decoder needs."""
    return marker == _COM or (_APP0 < marker <= 0xEF and marker != _APP14)
