"""Run the pixel pipeline on a hand-built Plan, to test steps apart from the planner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from enlarger.imaging.pipeline import run_steps
from enlarger.imaging.probe import probe
from enlarger.imaging.state import Run
from enlarger.spec.model import Format, RenderSpec
from enlarger.spec.plan import Plan

RunPlan = Callable[..., Any]


@pytest.fixture
def run_plan() -> RunPlan:
    """``run_plan(data, plan, spec=..., fmt=...)`` -> the pipeline's final pyvips image."""

    def run(
        data: bytes, plan: Plan, spec: RenderSpec | None = None, fmt: Format = Format.PNG
    ) -> Any:
        start = Run(data=data, spec=spec or RenderSpec(), facts=probe(data), plan=plan, format=fmt)
        # the pipeline may stream (read once, in order): tests look at pixels many times
        return run_steps(start).image.copy_memory()

    return run
