from __future__ import annotations

import io

import pytest
from PIL import Image

from enlarger.ingest.metadata import ExifSummary, dominant_colour, read_exif


def camera_jpeg() -> bytes:
    """A JPEG with the EXIF a phone writes: make, model, lens, capture time, GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Fujifilm"
    exif[0x0110] = "X-T5"
    detail = exif.get_ifd(0x8769)
    detail[0x9003] = "2024:05:17 18:42:07"
    detail[0x9011] = "+02:00"
    detail[0xA434] = "XF23mmF1.4 R LM WR"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 29.88)
    gps[3], gps[4] = "W", (2.0, 17.0, 40.2)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_camera_facts_are_summarised_and_gps_dropped_by_default() -> None:
    assert read_exif(camera_jpeg(), keep_gps=False) == ExifSummary(
        make="Fujifilm",
        model="X-T5",
        lens="XF23mmF1.4 R LM WR",
        taken_at="2024-05-17T18:42:07+02:00",
    )


def test_gps_is_kept_when_asked_with_hemisphere_signs() -> None:
    summary = read_exif(camera_jpeg(), keep_gps=True)
    assert summary.latitude == pytest.approx(48.8583, abs=1e-4)
    assert summary.longitude == pytest.approx(-2.2945, abs=1e-4)


def test_images_without_exif_or_unreadable_give_an_empty_summary() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    assert read_exif(out.getvalue(), keep_gps=True) == ExifSummary()
    assert read_exif(b"not an image", keep_gps=True) == ExifSummary()
    assert ExifSummary().as_json()["make"] is None


def test_dominant_colour_is_the_mean_of_the_most_common_bucket() -> None:
    pixels = bytes((250, 10, 10)) * 60 + bytes((254, 14, 12)) * 10 + bytes((0, 0, 255)) * 30
    assert dominant_colour(pixels) == "#fb0b0a"


def test_dominant_colour_needs_pixels() -> None:
    with pytest.raises(ValueError, match="no pixels"):
        dominant_colour(b"")
