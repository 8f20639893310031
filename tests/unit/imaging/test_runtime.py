"""Process tuning: libvips threads per render come from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips

from enlarger.imaging.runtime import configure
from enlarger.services import open_services
from enlarger.settings import Settings


@pytest.fixture(autouse=True)
def restore_concurrency() -> Iterator[None]:
    before = pyvips.concurrency_get()
    yield
    pyvips.concurrency_set(before)


def test_configure_sets_libvips_threads_and_zero_leaves_them() -> None:
    configure(3, 2)
    assert pyvips.concurrency_get() == 3
    configure(0, 0)
    assert pyvips.concurrency_get() == 3


def test_open_services_applies_the_render_settings(tmp_path: Path) -> None:
    pyvips.concurrency_set(4)
    settings = Settings.load(
        environ={"ENLARGER_VIPS_CONCURRENCY": "1"}, overrides={"data_dir": tmp_path}
    )
    services = open_services(settings)
    try:
        assert pyvips.concurrency_get() == 1
    finally:
        services.close()
