"""Visual regression: every row of ``cases.CASES`` rendered and compared with its stored
reference by perceptual hash and CIEDE2000 (see ``regression``). Regenerate with
``ENLARGER_REGENERATE_VISUAL=1``; a failure names the folder with the images to look at."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.visual import contact_sheet, regression
from tests.visual.cases import CASES, Case
from tests.visual.regression import (
    REFERENCES,
    REGENERATE,
    compare,
    decoded,
    load_reference,
    reference_path,
    rendered,
    save_reference,
    stored_like_reference,
    write_failure,
)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_render_looks_like_its_reference(case: Case) -> None:
    actual = decoded(rendered(case))
    if REGENERATE:
        save_reference(case, actual)
    assert reference_path(case).exists(), (
        f"no reference for {case.name}: run with ENLARGER_REGENERATE_VISUAL=1 and look at it"
    )
    expected, lossless = load_reference(case)
    problems = compare(stored_like_reference(actual, lossless), expected).problems(case)
    if problems:
        folder = write_failure(case, actual, expected)
        pytest.fail(f"{case.name} ({case.url}): {'; '.join(problems)}; images in {folder}")


def test_case_names_are_unique_and_every_reference_has_a_case() -> None:
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names)
    stored = {path.stem for path in REFERENCES.glob("*.webp")}
    assert stored <= set(names), f"references without a case: {sorted(stored - set(names))}"


def test_the_contact_sheet_shows_every_case() -> None:
    page = contact_sheet.html(CASES)
    if REGENERATE:
        contact_sheet.PAGE.write_text(page)
    assert contact_sheet.PAGE.read_text() == page, (
        "docs/visual/contact-sheet.html is stale: regenerate with ENLARGER_REGENERATE_VISUAL=1"
    )


def test_a_changed_render_fails_and_leaves_the_images_to_look_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suite's own check: a brightness step of 10 is caught, and so is a moved edge."""
    monkeypatch.setattr(regression, "FAILURES", tmp_path)
    by_name = {case.name: case for case in CASES}
    for name, changed_url in [
        ("bri-40", "bri=30"),
        ("mask-corners", "mask=corners&corner-radius=20&fm=png"),
    ]:
        case = dataclasses.replace(by_name[name], url=changed_url)
        expected, lossless = load_reference(case)
        actual = stored_like_reference(decoded(rendered(case)), lossless)
        assert compare(actual, expected).problems(case) != [], name
        folder = write_failure(case, actual, expected)
        assert folder == tmp_path / name
        assert sorted(p.name for p in folder.iterdir()) == [
            "actual.png",
            "difference.png",
            "expected.png",
        ]
