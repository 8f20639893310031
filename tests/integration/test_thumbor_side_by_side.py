"""thumbor 7 itself beside Enlarger: the same libthumbor-signed URLs on the same photos.

thumbor runs from its own virtualenv (``benchmarks/bench_thumbor.ensure_venv``, created
on first use at benchmarks/.work/thumbor-venv) with the file loader on tests/fixtures
and ``RESPECT_ORIENTATION = True``. Each URL must give the same status, content type and
pixel size, and pictures whose mean absolute difference per 8-bit sample
(``tests.support.images.mean_abs_diff``) is under the case's tolerance: tight for
geometry, looser for filters whose arithmetic differs from thumbor's C code.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from libthumbor import CryptoURL

from tests.support.images import decode, mean_abs_diff
from tests.support.render_app import client_for, make_app
from tests.support.services import require

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
VENV = ROOT / "benchmarks" / ".work" / "thumbor-venv"
KEY = "side-by-side-key"
ROCKET, EXIF6, RGBA, CAT = (
    "skimage_rocket.jpg",
    "mate_storm_exif6_240.jpg",
    "plasma_icecold_rgba_320.png",
    "skimage_chelsea_225.png",
)
#: rocket carries an ICC profile: thumbor keeps it with the pixels unconverted, Enlarger
#: converts to sRGB, so even an untouched rocket differs by about 6.5.
GEOMETRY, FILTER, LOOSE = 9.0, 15.0, 30.0

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

#: (libthumbor options, tolerance). Sizes chosen so both sides round the same way.
MATRIX: list[tuple[dict[str, Any], float]] = [
    ({"image_url": ROCKET}, GEOMETRY),
    ({"image_url": ROCKET, "width": 300, "height": 200}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200}, GEOMETRY),
    ({"image_url": ROCKET, "width": 320}, GEOMETRY),
    ({"image_url": ROCKET, "height": 100}, GEOMETRY),
    ({"image_url": ROCKET, "width": 100, "height": 300}, GEOMETRY),
    ({"image_url": ROCKET, "width": 800, "height": 400}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "halign": "left"}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "halign": "right"}, GEOMETRY),
    ({"image_url": ROCKET, "width": 300, "height": 100, "valign": "top"}, GEOMETRY),
    ({"image_url": ROCKET, "width": 300, "height": 100, "valign": "bottom"}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "flip": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 150, "flop": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "flip": True, "halign": "left"}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "fit_in": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 1000, "height": 1000, "fit_in": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 320, "height": 0, "fit_in": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 400, "adaptive_fit_in": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "full_fit_in": True}, GEOMETRY),
    ({"image_url": ROCKET, "width": 900, "height": 300, "full_fit_in": True}, GEOMETRY),
    ({"image_url": EXIF6, "width": 300, "height": 100, "full_fit_in": True}, GEOMETRY),
    (
        {"image_url": ROCKET, "width": 400, "height": 200, "adaptive_full_fit_in": True},
        GEOMETRY,
    ),
    ({"image_url": ROCKET, "crop": ((100, 50), (400, 350))}, GEOMETRY),
    ({"image_url": ROCKET, "crop": ((100, 50), (400, 350)), "width": 150}, GEOMETRY),
    ({"image_url": ROCKET, "crop": ((0, 0), (320, 427)), "width": 100, "height": 100}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "smart": True}, LOOSE),
    (
        {"image_url": ROCKET, "width": 150, "height": 300, "filters": ["focal(40x100:80x200)"]},
        GEOMETRY,
    ),
    (
        {"image_url": ROCKET, "width": 300, "height": 100, "filters": ["focal(300x300:340x420)"]},
        GEOMETRY,
    ),
    (
        {
            "image_url": ROCKET,
            "width": 200,
            "height": 200,
            "smart": True,
            "filters": ["focal(500x10:600x50)"],
        },
        GEOMETRY,
    ),
    ({"image_url": ROCKET, "trim": True}, GEOMETRY),
    ({"image_url": ROCKET, "trim": ("bottom-right", 40), "width": 200}, GEOMETRY),
    ({"image_url": RGBA, "trim": ("top-left", 60)}, GEOMETRY),
    ({"image_url": "mate_stripes_la_240.png", "trim": ("", 60), "width": 100}, FILTER),
    ({"image_url": EXIF6}, GEOMETRY),
    ({"image_url": EXIF6, "width": 120, "height": 120}, GEOMETRY),
    ({"image_url": EXIF6, "width": 100, "fit_in": True}, GEOMETRY),
    ({"image_url": RGBA, "width": 160, "height": 90}, GEOMETRY),
    ({"image_url": RGBA, "width": 100, "height": 100, "fit_in": True}, GEOMETRY),
    ({"image_url": CAT, "width": 100, "height": 100}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["format(png)"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["format(webp)"]}, GEOMETRY),
    ({"image_url": RGBA, "width": 160, "filters": ["format(jpeg)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["quality(20)"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["grayscale()"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["brightness(30)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["contrast(40)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["saturation(0)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["rgb(20,-10,0)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["blur(3)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["sharpen(2,1,true)"]}, FILTER),
    ({"image_url": ROCKET, "width": 160, "filters": ["equalize()"]}, LOOSE),
    ({"image_url": ROCKET, "width": 160, "filters": ["noise(10)"]}, LOOSE),
    (
        {"image_url": ROCKET, "width": 160, "filters": ["convolution(1;2;1;2;4;2;1;2;1,3,true)"]},
        FILTER,
    ),
    (
        {"image_url": ROCKET, "width": 160, "filters": ["convolution(0;-1;0;-1;5;-1;0;-1;0,3)"]},
        LOOSE,
    ),
    ({"image_url": ROCKET, "width": 160, "filters": ["rotate(90)"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["rotate(180)"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["round_corner(20,255,0,0)"]}, FILTER),
    (
        {"image_url": RGBA, "width": 160, "filters": ["background_color(ff0000)", "format(jpeg)"]},
        FILTER,
    ),
    (
        {
            "image_url": ROCKET,
            "width": 300,
            "height": 300,
            "fit_in": True,
            "filters": ["fill(00ff00)"],
        },
        FILTER,
    ),
    (
        {
            "image_url": ROCKET,
            "width": 300,
            "height": 300,
            "fit_in": True,
            "filters": ["fill(blur)"],
        },
        LOOSE,
    ),
    (
        {
            "image_url": ROCKET,
            "width": 300,
            "height": 300,
            "fit_in": True,
            "filters": ["fill(auto)"],
        },
        FILTER,
    ),
    (
        {"image_url": CAT, "width": 200, "height": 300, "fit_in": True, "filters": ["fill(auto)"]},
        FILTER,
    ),
    (
        {
            "image_url": ROCKET,
            "width": 320,
            "height": 320,
            "fit_in": True,
            "filters": ["upscale()"],
        },
        GEOMETRY,
    ),
    ({"image_url": ROCKET, "width": 1280, "height": 854, "filters": ["no_upscale()"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 200, "height": 200, "filters": ["stretch()"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["strip_icc()", "strip_exif()"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 160, "filters": ["max_bytes(3000)"]}, LOOSE),
    ({"image_url": ROCKET, "width": 160, "filters": ["max_age(60)"]}, GEOMETRY),
    ({"image_url": ROCKET, "width": 300, "height": 200, "filters": ["proportion(0.5)"]}, GEOMETRY),
    (
        {
            "image_url": ROCKET,
            "width": 999,
            "height": 999,
            "fit_in": True,
            "filters": ["proportion(.3)"],
        },
        GEOMETRY,
    ),
    ({"image_url": CAT, "width": 100, "filters": ["autojpg(true)"]}, GEOMETRY),
    ({"image_url": CAT, "width": 100, "filters": ["autojpg(false)"]}, GEOMETRY),
    ({"image_url": RGBA, "width": 100, "filters": ["autojpg(1)"]}, GEOMETRY),
    ({"image_url": "missing.jpg", "width": 100}, GEOMETRY),
    *(
        ({"image_url": ROCKET, "width": 320, "filters": [f"watermark({mark})"]}, FILTER)
        for mark in (
            f"{RGBA},center,center,0,50",
            f"{CAT},-10,-10,40,30",
            f"{CAT},10p,-20p,30,25,none",
            f"{RGBA},repeat,repeat,50,20,20",
            f"{CAT},repeat,10,0,40",
            f"{EXIF6},-0,0,60,none,50",
        )
    ),
]


def _config(work: Path) -> Path:
    config = work / "thumbor.conf"
    config.write_text(
        "LOADER = 'thumbor.loaders.file_loader'\n"
        f"FILE_LOADER_ROOT_PATH = {str(FIXTURES)!r}\n"
        f"SECURITY_KEY = {KEY!r}\n"
        "ALLOW_UNSAFE_URL = False\n"
        "RESPECT_ORIENTATION = True\n"
        "STORAGE = 'thumbor.storages.no_storage'\n"
        "RESULT_STORAGE = None\n"
        "from thumbor.filters import BUILTIN_FILTERS\n"
        "FILTERS = [*BUILTIN_FILTERS, 'thumbor.filters.autojpg']  # not built in\n"
    )
    return config


def _thumbor_executable() -> Path | None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_thumbor

        executable: Path = bench_thumbor.ensure_venv(VENV)
        return executable
    except (subprocess.CalledProcessError, OSError):
        return None
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def thumbor_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = _thumbor_executable()
    require(executable is not None, "thumbor 7 could not be installed in its own virtualenv")
    assert executable is not None
    work = tmp_path_factory.mktemp("thumbor")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_procs import free_port

    sys.path.remove(str(ROOT / "benchmarks"))
    port = free_port()
    argv = [str(executable), "-c", str(_config(work)), "-i", "127.0.0.1", "-p", str(port)]
    with (work / "thumbor.log").open("wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"thumbor exited with {process.returncode}")
        try:
            if httpx.get(base + "/healthcheck", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("thumbor did not answer its health check within 30 s")


async def test_enlarger_renders_thumbor_urls_as_thumbor_does(
    thumbor_url: str, tmp_path: Path
) -> None:
    signer = CryptoURL(key=KEY)
    mismatches = []
    app = make_app(FIXTURES, data_dir=tmp_path / "data", thumbor_key=KEY)
    async with client_for(app) as enlarger, httpx.AsyncClient(base_url=thumbor_url) as thumbor:
        for options, tolerance in MATRIX:
            path: str = signer.generate(**options)
            theirs = await thumbor.get(path)
            ours = await enlarger.get("/thumbor" + path)
            problem = _difference(theirs, ours, tolerance)
            if problem:
                mismatches.append(f"{path}: {problem}")
    assert not mismatches, "\n".join(mismatches)


def _difference(theirs: httpx.Response, ours: httpx.Response, tolerance: float) -> str | None:
    if theirs.status_code != 200 or ours.status_code != 200:
        same = (theirs.status_code >= 400) == (ours.status_code >= 400)
        return None if same else f"status {ours.status_code}, thumbor {theirs.status_code}"
    their_type, our_type = theirs.headers["content-type"], ours.headers["content-type"]
    if their_type != our_type:
        return f"content type {our_type}, thumbor {their_type}"
    a, b = decode(theirs.content), decode(ours.content)
    if (a.width, a.height) != (b.width, b.height):
        return f"size {b.width}x{b.height}, thumbor {a.width}x{a.height}"
    distance = mean_abs_diff(a, b)
    return None if distance <= tolerance else f"distance {distance:.1f} > {tolerance}"


#: ``meta/`` URLs (libthumbor options): same keys and target size as thumbor's JSON.
META: list[dict[str, Any]] = [
    {"image_url": ROCKET, "meta": True},
    {"image_url": ROCKET, "meta": True, "width": 300, "height": 200},
    {"image_url": ROCKET, "meta": True, "width": 200, "height": 200, "fit_in": True},
    {"image_url": ROCKET, "meta": True, "width": 300, "height": 200, "flip": True},
    {"image_url": EXIF6, "meta": True, "crop": ((10, 10), (200, 150)), "width": 100},
]


async def test_meta_answers_as_thumbor_does(thumbor_url: str, tmp_path: Path) -> None:
    signer = CryptoURL(key=KEY)
    mismatches = []
    app = make_app(FIXTURES, data_dir=tmp_path / "data", thumbor_key=KEY)
    async with client_for(app) as enlarger, httpx.AsyncClient(base_url=thumbor_url) as thumbor:
        for options in META:
            path: str = signer.generate(**options)
            theirs = (await thumbor.get(path)).json()["thumbor"]
            ours = (await enlarger.get("/thumbor" + path)).json()["thumbor"]
            their_target = {side: round(n) for side, n in theirs["target"].items()}
            if set(theirs) - {"focal_points"} != set(ours) or their_target != ours["target"]:
                mismatches.append(f"{path}: {ours}, thumbor {theirs}")
            elif set(ours["source"]) != set(theirs["source"]):
                mismatches.append(f"{path}: source keys {ours['source']}, thumbor {theirs}")
    assert not mismatches, "\n".join(mismatches)
