"""Face parameters over the real app: the JSON face data, face crops, and 400s naming
the parameter for bad values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.render_app import FIXTURES, client_for, decoded, error_of, make_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def portraits(tmp_path: Path) -> Path:
    shutil.copyfile(FIXTURES / "skimage_astronaut_256.jpg", tmp_path / "astronaut.jpg")
    return tmp_path


async def test_faces_in_fm_json_and_face_crops(portraits: Path) -> None:
    async with client_for(make_app(portraits)) as client:
        meta = await client.get("/astronaut.jpg?fm=json&faces=1")
        area = await client.get("/astronaut.jpg?fit=facearea&w=120&h=80&fm=png")
        crop = await client.get("/astronaut.jpg?fit=crop&crop=faces&w=200&h=50")
    assert meta.status_code == 200
    (face,) = meta.json()["Faces"]
    assert 80 < face["bounds"]["x"] < 100
    assert 25 < face["bounds"]["y"] < 45
    assert decoded(area.content).size == (120, 80)
    assert decoded(crop.content).size == (200, 50)
    assert area.headers["etag"] != crop.headers["etag"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("fm=json&faces=2", "faces"),
        ("faces=1", "faces"),
        ("fit=crop&facepad=2", "facepad"),
        ("fit=facearea&facepad=-1", "facepad"),
        ("fit=facearea&faceindex=first", "faceindex"),
        ("fit=facearea,nothing", "fit"),
        ("fit=crop&crop=face", "crop"),
    ],
)
async def test_bad_face_parameters_are_400s_naming_them(
    portraits: Path, query: str, parameter: str
) -> None:
    async with client_for(make_app(portraits)) as client:
        response = await client.get(f"/astronaut.jpg?{query}")
    assert response.status_code == 400
    assert error_of(response)["parameter"] == parameter
