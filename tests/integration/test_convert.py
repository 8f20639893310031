"""The ``convert`` job end to end: a stored original becomes every preset, stored and listed."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy.orm import Session, sessionmaker

from enlarger.catalog.derivatives import list_derivatives
from enlarger.catalog.images import delete_image
from enlarger.catalog.jobs import enqueue, job_report
from enlarger.catalog.models import Image
from enlarger.errors import ConfigError
from enlarger.imaging import Effort, RenderOptions, render
from enlarger.jobs.convert import KIND
from enlarger.jobs.worker import Worker, build_queue
from enlarger.presets import PresetSpecs, spec_hash, validate_presets
from enlarger.services import open_services
from enlarger.settings import DEFAULT_PRESETS, ConvertSettings, Settings
from enlarger.spec.canonical import canonical
from enlarger.spec.model import Format
from enlarger.storage import ObjectStore, open_store
from enlarger.storage.keys import derivatives_prefix, original_key
from tests.support.polling import wait_until

#: preset -> (Pillow format, width, height) from a 1200x800 source with the default presets.
EXPECTED = {
    "large": ("JPEG", 1200, 800),  # fit=max never upscales
    "medium": ("JPEG", 1080, 720),
    "small": ("WEBP", 480, 320),
    "thumb": ("WEBP", 200, 200),
}


def photo(width: int = 1200, height: int = 800) -> bytes:
    """A JPEG with a horizontal red ramp and a vertical blue ramp."""
    image = PILImage.new("RGB", (width, height))
    image.putdata(
        [(x * 255 // width, 80, y * 255 // height) for y in range(height) for x in range(width)]
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Catalogue:
    """An object store and catalog with one worker thread running convert jobs."""

    def __init__(self, database_url: str, sessions: sessionmaker[Session], tmp_path: Path) -> None:
        self.settings = Settings.load(
            environ={},
            overrides={"data_dir": tmp_path, "database_url": database_url, "job_lease_s": 5.0},
        )
        self.sessions = sessions
        self.store: ObjectStore = open_store("", tmp_path)

    def add_image(self, data: bytes, key: str | None = None) -> Image:
        sha256 = hashlib.sha256(data).hexdigest()
        key = key or original_key(sha256, "jpg")
        asyncio.run(self.store.put(key, data, "image/jpeg"))
        with self.sessions.begin() as session:
            image = Image(
                sha256=sha256,
                original_key=key,
                format="jpeg",
                width=1200,
                height=800,
                bytes=len(data),
            )
            session.add(image)
        return image

    def enqueue(self, image_id: str, max_attempts: int = 1) -> str:
        with self.sessions.begin() as session:
            return enqueue(session, KIND, {}, image_id=image_id, max_attempts=max_attempts).id

    def run(self, job_id: str, presets: PresetSpecs | None = None) -> None:
        """Run the job to its end in a worker thread (with ``presets`` when given)."""
        queue = build_queue(self.settings, self.sessions, lambda: self.store, presets)
        worker = Worker(queue, 1)
        worker.start()
        try:
            wait_until(lambda: self.status(job_id) in {"done", "failed"}, f"job {job_id}")
        finally:
            worker.stop()

    def convert(self, image_id: str) -> str:
        """Enqueue and run one convert job for ``image_id``; returns the job id."""
        job_id = self.enqueue(image_id)
        self.run(job_id)
        return job_id

    def status(self, job_id: str) -> str | None:
        with self.sessions() as session:
            report = job_report(session, job_id)
        return None if report is None else report.status


@pytest.fixture
def catalogue(database_url: str, sessions: sessionmaker[Session], tmp_path: Path) -> Catalogue:
    return Catalogue(database_url, sessions, tmp_path)


def test_every_preset_is_rendered_stored_and_recorded(catalogue: Catalogue) -> None:
    image = catalogue.add_image(photo())
    job_id = catalogue.convert(image.id)
    assert catalogue.status(job_id) == "done"
    with catalogue.sessions() as session:
        derivatives = list_derivatives(session, image.id)
    assert {d.preset: (d.width, d.height) for d in derivatives} == {
        name: (width, height) for name, (_, width, height) in EXPECTED.items()
    }
    specs = validate_presets(DEFAULT_PRESETS)
    for derivative in derivatives:
        data = asyncio.run(catalogue.store.get(derivative.object_key))
        decoded = PILImage.open(io.BytesIO(data))
        assert (decoded.format, *decoded.size) == EXPECTED[derivative.preset]
        assert derivative.bytes == len(data)
        assert derivative.canonical_spec == canonical(specs[derivative.preset])
        assert derivative.object_key.startswith(f"derivatives/{image.sha256[:2]}/")
        assert spec_hash(derivative.canonical_spec) in derivative.object_key
        # the ramps survive: left edge has little red, right edge a lot
        rgb = decoded.convert("RGB")
        left, right = rgb.getpixel((2, rgb.height // 2)), rgb.getpixel((rgb.width - 3, 2))
        assert isinstance(left, tuple)
        assert isinstance(right, tuple)
        assert left[0] < 60 < 200 < right[0]


def test_converting_again_changes_nothing(catalogue: Catalogue) -> None:
    image = catalogue.add_image(photo())
    catalogue.convert(image.id)
    with catalogue.sessions() as session:
        first = {d.preset: (d.object_key, d.bytes) for d in list_derivatives(session, image.id)}
    assert catalogue.status(catalogue.convert(image.id)) == "done"
    with catalogue.sessions() as session:
        second = {d.preset: (d.object_key, d.bytes) for d in list_derivatives(session, image.id)}
    assert second == first
    listed = asyncio.run(_keys(catalogue.store, f"derivatives/{image.sha256[:2]}"))
    assert sorted(listed) == sorted(key for key, _ in first.values())


def test_an_undecodable_original_fails_the_job_at_once(catalogue: Catalogue) -> None:
    image = catalogue.add_image(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    job_id = catalogue.enqueue(image.id, max_attempts=5)
    catalogue.run(job_id)
    with catalogue.sessions() as session:
        report = job_report(session, job_id)
        assert list_derivatives(session, image.id) == []
    assert report is not None
    assert (report.status, report.attempts) == ("failed", 1)
    assert report.last_error is not None
    assert report.last_error.startswith("UnprocessableImage")


def test_an_image_deleted_before_its_job_ran_fails_the_job_permanently(
    catalogue: Catalogue,
) -> None:
    image = catalogue.add_image(photo(64, 48))
    job_id = catalogue.enqueue(image.id)
    with catalogue.sessions.begin() as session:
        session.delete(session.get(Image, image.id))
    catalogue.run(job_id)
    with catalogue.sessions() as session:
        report = job_report(session, job_id)
    assert report is not None
    assert (report.status, report.attempts) == ("failed", 1)
    assert report.last_error == "PermanentJobError: image None is not in the catalog"


@pytest.mark.parametrize(
    ("presets", "named"),
    [
        ({"ok": "w=10", "thumb": "w=abc"}, "thumb"),
        ({"huge": "fm=bmp"}, "huge"),
        ({"bad name": "w=10"}, "bad name"),
    ],
)
def test_a_bad_preset_is_a_config_error_naming_it(presets: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=f"preset '{named}'"):
        validate_presets(presets)


def test_the_job_renders_the_parsed_presets_it_is_given(catalogue: Catalogue) -> None:
    image = catalogue.add_image(photo())
    job_id = catalogue.enqueue(image.id)
    catalogue.run(job_id, presets=validate_presets({"tiny": "w=8&fm=png"}))
    assert catalogue.status(job_id) == "done"
    with catalogue.sessions() as session:
        derivatives = list_derivatives(session, image.id)
    assert [(d.preset, d.format, d.width, d.height) for d in derivatives] == [("tiny", "png", 8, 5)]


def test_the_services_keep_the_presets_parsed(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, overrides={"data_dir": tmp_path})
    services = open_services(dataclasses.replace(settings, presets={"tiny": "w=8&fm=png"}))
    try:
        assert services.preset_specs == validate_presets({"tiny": "w=8&fm=png"})
    finally:
        services.close()


def test_the_default_presets_are_valid() -> None:
    assert set(validate_presets(DEFAULT_PRESETS)) == set(EXPECTED)


async def _keys(store: ObjectStore, prefix: str) -> list[str]:
    return [info.key async for info in store.list(prefix)]


class DeletingOnFirstPut:
    """The real store, except that the job's first write first deletes its image as
    ``DELETE /v1/images/{id}`` does (rows, then objects): the delete lands while the
    conversion is under way, after its renders and before its objects are written."""

    def __init__(self, catalogue: Catalogue, image: Image) -> None:
        self._catalogue = catalogue
        self._image = image
        self._deleted = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._catalogue.store, name)

    async def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        if not self._deleted:
            self._deleted = True
            with self._catalogue.sessions.begin() as session:
                delete_image(session, self._image.id)
            await self._catalogue.store.delete(self._image.original_key)
            await self._catalogue.store.delete_prefix(derivatives_prefix(self._image.sha256))
        await self._catalogue.store.put(key, data, content_type)


def test_an_image_deleted_during_its_conversion_leaves_no_derivative(
    catalogue: Catalogue,
) -> None:
    image = catalogue.add_image(photo(120, 80))
    job_id = catalogue.enqueue(image.id)
    store = DeletingOnFirstPut(catalogue, image)
    queue = build_queue(catalogue.settings, catalogue.sessions, lambda: store)  # type: ignore[arg-type,return-value]
    worker = Worker(queue, 1)
    worker.start()
    try:
        wait_until(lambda: catalogue.status(job_id) in {"done", "failed"}, f"job {job_id}")
    finally:
        worker.stop()
    with catalogue.sessions() as session:
        report = job_report(session, job_id)
        assert list_derivatives(session, image.id) == []
    assert report is not None
    assert report.status == "failed"
    assert report.last_error is not None
    assert "was deleted during its conversion" in report.last_error
    assert asyncio.run(_keys(catalogue.store, "derivatives")) == []
    assert asyncio.run(_keys(catalogue.store, "originals")) == []


def test_presets_are_encoded_with_the_convert_efforts(catalogue: Catalogue) -> None:
    """A stored preset is worth more encoder effort than a live render: the job encodes with
    ``[convert]``'s efforts, not ``[render]``'s (PNG: zlib level 0 against the render's 2)."""
    original = photo(600, 400)
    image = catalogue.add_image(original)
    catalogue.settings = dataclasses.replace(
        catalogue.settings, convert=ConvertSettings(convert_png_compression=0)
    )
    presets = validate_presets({"flat": "w=300&fm=png"})
    job_id = catalogue.enqueue(image.id)
    catalogue.run(job_id, presets=presets)
    with catalogue.sessions() as session:
        (derivative,) = list_derivatives(session, image.id)
    stored = asyncio.run(catalogue.store.get(derivative.object_key))

    def rendered(png_compression: int) -> bytes:
        options = RenderOptions(effort=Effort(png_compression=png_compression))
        return render(original, presets["flat"], frozenset({Format.PNG}), options).data

    assert catalogue.settings.render.png_compression == 2
    assert stored == rendered(0)
    assert len(stored) > 1.5 * len(rendered(2))
