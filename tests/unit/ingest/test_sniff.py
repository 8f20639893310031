from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from enlarger.errors import UnsupportedMediaType
from enlarger.ingest import sniff


def _encoded(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("JPEG", sniff.JPEG),
        ("PNG", sniff.PNG),
        ("GIF", sniff.GIF),
        ("WEBP", sniff.WEBP),
        ("TIFF", sniff.TIFF),
        ("AVIF", sniff.AVIF),
        ("HEIF", sniff.HEIC),
    ],
)
def test_real_files_are_recognised_by_their_magic_bytes(
    fmt: str, expected: sniff.ImageType
) -> None:
    pillow_heif.register_heif_opener()
    assert sniff.sniff(_encoded(fmt)[: sniff.SNIFF_BYTES]) == expected


def test_big_endian_tiff() -> None:
    assert sniff.sniff(b"MM\x00*\x00\x00\x00\x08") == sniff.TIFF


def test_heic_is_told_from_avif_by_ftyp_brands() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    avif_in_mif1 = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf"
    assert sniff.sniff(heic) == sniff.HEIC
    assert sniff.sniff(avif_in_mif1) == sniff.AVIF


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"hello, this is a text file renamed .jpg",
        b"%PDF-1.7\n",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"BM\x00\x00",
    ],
)
def test_other_content_is_415(head: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        sniff.sniff(head)
    assert caught.value.status == 415
    assert "image/jpeg" in caught.value.body()["accepted"]
