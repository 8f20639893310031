"""docs/imgix-compatibility.md lists every parameter of imgix's published list and is
exactly what the generator writes from the code (``ENLARGER_REGENERATE=1`` rewrites it)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from enlarger.spec.imgix import PARAMETERS
from enlarger.spec.imgix_reference import reference
from enlarger.spec.imgix_status import NOT_SUPPORTED, PARTIAL, Support, status
from tests.support.services import require
from tests.unit.spec.test_imgix_params_list import PARAMETERS_JSON

DOC = Path(__file__).parents[3] / "docs/imgix-compatibility.md"


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    require(PARAMETERS_JSON.is_file(), f"imgix-url-params is not installed ({PARAMETERS_JSON})")
    loaded: dict[str, Any] = json.loads(PARAMETERS_JSON.read_text())
    return loaded


def test_the_doc_is_the_generators_output(published: dict[str, Any]) -> None:
    generated = reference(published)
    if os.environ.get("ENLARGER_REGENERATE"):
        DOC.write_text(generated)
    assert DOC.read_text() == generated, "regenerate: ENLARGER_REGENERATE=1 pytest " + __file__


def test_every_published_name_has_a_row_with_its_status(published: dict[str, Any]) -> None:
    rows = {
        line.split("`")[1]: line.split(" | ")[2]
        for line in DOC.read_text().splitlines()
        if line.startswith("| [`")
    }
    assert set(rows) == set(published["parameters"])
    assert {rows[p.name] for p in PARAMETERS} <= {"supported", "partial"}
    assert rows["bg-remove"] == "not supported"


def test_every_parameter_of_the_table_is_supported_or_partial() -> None:
    for param in PARAMETERS:
        assert status(param.name, "any").support in {Support.SUPPORTED, Support.PARTIAL}


def test_refused_values_make_a_parameter_partial_and_are_named() -> None:
    cs = status("cs", "format")
    assert cs.support is Support.PARTIAL
    assert "`adobergb1998`" in cs.note


def test_not_supported_has_a_reason_by_name_or_category() -> None:
    assert status("jpg-progressive", "format").note == NOT_SUPPORTED["jpg-progressive"]
    assert "generative" in status("bg-replace", "background").note
    assert status("nonsense", "nowhere").note


def test_registry_names_are_published_names(published: dict[str, Any]) -> None:
    assert set(PARTIAL) <= set(published["parameters"])
    assert set(NOT_SUPPORTED) <= set(published["parameters"])
