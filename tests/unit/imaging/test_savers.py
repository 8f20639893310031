"""The one table of output formats: every ``Format`` has a saver or is refused, and
what is writable is exactly what the table's savers can write here."""

from __future__ import annotations

import pyvips

from enlarger.imaging import writable_formats
from enlarger.imaging.savers import REFUSED, SAVERS
from enlarger.spec.model import Format


def test_every_format_has_a_saver_or_is_refused() -> None:
    assert set(SAVERS) | REFUSED == set(Format)
    assert not set(SAVERS) & REFUSED


def test_writable_formats_are_the_savers_available_here() -> None:
    writable = writable_formats()
    assert writable == {fmt for fmt, saver in SAVERS.items() if saver.available()}
    assert not writable & REFUSED
    assert {Format.JPG, Format.PJPG, Format.PNG, Format.WEBP, Format.GIF} <= writable


def test_each_saver_names_a_libvips_buffer_saver() -> None:
    for saver in SAVERS.values():
        assert saver.operation.endswith("save_buffer")
        if saver.available():
            pyvips.Operation.new_from_name(saver.operation)
