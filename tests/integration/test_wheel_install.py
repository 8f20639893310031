"""Install as a product: the built wheel carries what the service needs, installs in a
fresh virtual environment, and ``enlarger serve`` runs from it, away from the checkout."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

from tests.support.render_app import FIXTURES, decoded

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    """No PYTHONPATH and no ENLARGER_*: only what the fresh environment holds."""
    drop = ("PYTHONPATH", "ENLARGER_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def _build_wheel(out: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if built.returncode != 0:
        if os.environ.get("CI") == "true":
            raise AssertionError(built.stderr)
        pytest.skip(f"cannot build the wheel here (no build backend?): {built.stderr[-300:]}")
    [wheel] = out.glob("enlarger-*.whl")
    return wheel


def _fresh_venv(where: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed; its dependencies come from this environment's
    site-packages (a .pth), so the test needs no package index."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q"]
    subprocess.run([*install, str(wheel)], check=True, timeout=300, env=_env())
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"


def test_the_wheel_installs_in_a_fresh_venv_and_serves(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = subprocess.run(
        [sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True
    ).stdout
    assert "enlarger/catalog/migrations/versions/" in names
    assert "enlarger/catalog/migrations/alembic.ini" in names
    bin_dir = _fresh_venv(tmp_path / "venv", wheel)
    work = tmp_path / "elsewhere"  # not the checkout: nothing of it is importable here
    (work / "photos").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "skimage_rocket.jpg", work / "photos" / "rocket.jpg")
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import enlarger; print(enlarger.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=_env(),
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv"))

    serve = [str(bin_dir / "enlarger"), "serve", "--port", "0", "--originals", "photos"]
    with subprocess.Popen(
        serve, cwd=work, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], 60)
            line = process.stdout.readline() if ready else ""
            assert line.startswith("Enlarger listening on http://"), line
            url = line.split()[-1]
            response = httpx.get(f"{url}/rocket.jpg?w=50&fm=png", timeout=30)
        finally:
            process.terminate()
            process.wait(20)
    assert response.status_code == 200
    assert decoded(response.content).size == (50, 33)
    assert (work / "enlarger-data" / "catalog.sqlite3").exists()  # the documented default
