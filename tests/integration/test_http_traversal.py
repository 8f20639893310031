"""No request path reaches a file outside the originals folder: always a JSON 404."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.render_app import FIXTURES, asgi_get, error_of, make_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def guarded(originals: Path) -> Path:
    """Beside the originals folder: a real image that must never be served through it."""
    outside = originals.parent / "private"
    outside.mkdir()
    shutil.copyfile(FIXTURES / "skimage_rocket.jpg", outside / "secret.jpg")
    (originals / "escape.jpg").symlink_to(outside / "secret.jpg")
    (originals / "escape-dir").symlink_to(outside, target_is_directory=True)
    (originals / "inside-link.jpg").symlink_to(originals / "rocket.jpg")
    return originals


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/../private/secret.jpg",
        b"/sub%20dir/../../private/secret.jpg",
        b"/%2e%2e/private/secret.jpg",
        b"/%2E%2E%2Fprivate%2Fsecret.jpg",
        b"/..%2fprivate%2fsecret.jpg",
        b"/sub%20dir%2f..%2f..%2fprivate/secret.jpg",
        b"/..%5cprivate%5csecret.jpg",
        b"/sub dir\\..\\..\\private\\secret.jpg",
        b"//etc/passwd",
        b"/%2fetc%2fpasswd",
        b"/rocket.jpg%00.png",
        b"/./rocket.jpg",
        b"/escape.jpg",
        b"/escape-dir/secret.jpg",
        b"/sub%20dir/",
        b"/%ff%fe.jpg",
        b"/" + b"a" * 5000 + b".jpg",
    ],
)
async def test_traversal_is_404(guarded: Path, raw_path: bytes) -> None:
    response = await asgi_get(make_app(guarded), raw_path, b"w=10")
    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"


async def test_a_symlink_inside_the_folder_is_served(guarded: Path) -> None:
    response = await asgi_get(make_app(guarded), b"/inside-link.jpg", b"w=10")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
