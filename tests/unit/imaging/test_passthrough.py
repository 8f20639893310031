"""Same-size, same-format renders with nothing to change serve the source's own JPEG data,
metadata stripped; anything that would look different is decoded and encoded."""

from __future__ import annotations

import pyvips

from enlarger.imaging import RenderOptions, render
from enlarger.imaging.jpeg_structure import read_structure
from enlarger.spec.imgix import parse
from tests.support.images import decode, fixture, has_exif, mean_abs_diff

CHELSEA = fixture("skimage_chelsea_225.png")


def _jpeg(quality: int, **options: object) -> bytes:
    image = pyvips.Image.new_from_buffer(CHELSEA, "")
    image = image.copy()
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Artist", "someone")
    data: bytes = image.jpegsave_buffer(Q=quality, keep="exif", **options)
    return data


def _render(data: bytes, query: str) -> bytes:
    return render(data, parse(query), frozenset(), RenderOptions()).data


def test_a_source_no_finer_than_asked_is_served_as_it_is_without_metadata() -> None:
    source = _jpeg(75)
    assert has_exif(source)
    for query in ("", "fm=jpg&q=75", "w=500&fit=max", "w=225", "q=80&fm=jpg"):
        out = _render(source, query)
        assert out == read_structure(source).stripped  # type: ignore[union-attr]
        assert not has_exif(out)
        assert len(out) < len(source)
        assert mean_abs_diff(decode(out), decode(source)) == 0


def test_a_finer_source_is_encoded_at_the_asked_quality() -> None:
    source = _jpeg(95)
    out = _render(source, "q=75")
    assert len(out) < len(source) * 0.8
    assert not has_exif(out)


def test_any_change_decodes_and_encodes() -> None:
    source = _jpeg(75)
    stripped = read_structure(source).stripped  # type: ignore[union-attr]
    for query in ("w=100", "flip=h", "rot=90", "fm=pjpg", "chromasub=444", "orient=6", "fm=png"):
        assert _render(source, query) != stripped, query


def test_a_progressive_source_passes_only_as_progressive() -> None:
    source = _jpeg(75, interlace=True)
    stripped = read_structure(source).stripped  # type: ignore[union-attr]
    assert _render(source, "fm=pjpg") == stripped
    assert _render(source, "fm=jpg") != stripped


def test_an_icc_profile_other_than_srgb_is_converted() -> None:
    source = _with_p3_profile()
    assert _render(source, "q=100") != read_structure(source).stripped  # type: ignore[union-attr]


def _with_p3_profile() -> bytes:
    image = pyvips.Image.new_from_buffer(CHELSEA, "").icc_export(output_profile="p3")
    data: bytes = image.jpegsave_buffer(Q=75, keep="icc")
    return data
