"""``enlarger render``: one file through the render pipeline, no server."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from enlarger.cli import app
from enlarger.imaging import writable_formats
from enlarger.spec.model import Format
from tests.support.render_app import FIXTURES, decoded

ROCKET = FIXTURES / "skimage_rocket.jpg"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("query", "name", "expected_format"),
    [
        ("w=300&fm=webp", "out.webp", "WEBP"),
        ("w=300", "out.png", "PNG"),  # no fm: OUTPUT's extension decides
        ("w=300&fm=png", "out.bin", "PNG"),  # fm decides where the extension does not
        ("w=300&fm=pjpg", "out.jpg", "JPEG"),  # progressive JPEG is still a .jpg
        ("w=300", "out.unknown", "JPEG"),  # neither: the source's own format
    ],
)
def test_renders_one_file(tmp_path: Path, query: str, name: str, expected_format: str) -> None:
    output = tmp_path / name
    code, stdout, _ = run("render", str(ROCKET), query, "-o", str(output))
    assert code == 0
    image = decoded(output.read_bytes())
    assert (image.format, image.size) == (expected_format, (300, 200))
    assert stdout.startswith(f"{output}: ")
    assert "300x200" in stdout


def test_a_bad_parameter_exits_2_with_the_reason(tmp_path: Path) -> None:
    output = tmp_path / "out.jpg"
    code, _, stderr = run("render", str(ROCKET), "w=huge", "-o", str(output))
    assert code == 2
    assert stderr.startswith("error: parameter 'w'")
    assert not output.exists()


def test_a_missing_input_exits_1(tmp_path: Path) -> None:
    code, _, stderr = run("render", str(tmp_path / "absent.jpg"), "w=1", "-o", "x.jpg")
    assert code == 1
    assert "absent.jpg" in stderr
    assert "No such file" in stderr


def test_a_file_that_is_not_an_image_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "notes.jpg"
    source.write_text("plain text", encoding="utf-8")
    code, _, stderr = run("render", str(source), "w=10", "-o", str(tmp_path / "out.jpg"))
    assert code == 2
    assert stderr.startswith("error: ")


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("w=300", "out.tiff", "cannot write .tiff files here"),
        ("w=300", "out.heic", "cannot write .heic files here"),
        ("w=300&fm=png", "out.jpg", "fm=png contradicts the output's extension .jpg"),
    ],
)
def test_an_extension_it_cannot_write_or_a_contradicting_fm_is_refused_before_rendering(
    tmp_path: Path, query: str, name: str, message: str
) -> None:
    output = tmp_path / name
    code, _, stderr = run("render", str(ROCKET), query, "-o", str(output))
    assert code == 2
    assert message in stderr
    assert not output.exists()


def test_jxl_is_refused_where_libvips_cannot_write_it(tmp_path: Path) -> None:
    output = tmp_path / "out.jxl"
    code, _, stderr = run("render", str(ROCKET), "w=30", "-o", str(output))
    if Format.JXL in writable_formats():
        assert code == 0, stderr
        assert decoded(output.read_bytes()).size == (30, 20)
    else:
        assert code == 2
        assert "cannot write .jxl files here" in stderr
        assert not output.exists()
