"""imgix ``fit``: one fit mode, or ``facearea`` with the fit to use when no face is found
(``facearea,fill``). The value is a pair: the fit that applies as the spec stands, and the
``FaceArea`` an analyser may replace it with (None for every other fit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from enlarger.spec.args.base import fail
from enlarger.spec.model import FaceArea, Fit

FACEAREA = "facearea"
#: plain ``facearea`` without a face keeps the requested size: a centred crop.
FACEAREA_FALLBACK = Fit.CROP


@dataclass(frozen=True, slots=True)
class FitArg:
    @property
    def words(self) -> Mapping[str, Fit | None]:
        """Every single word this reads (``facearea`` maps to None: the face fit)."""
        return {FACEAREA: None, **{str(fit.value): fit for fit in Fit}}

    @property
    def expected(self) -> str:
        fits = ", ".join(str(fit.value) for fit in Fit)
        return f"one of {FACEAREA}, {fits}, or {FACEAREA},<one of them> (the fit without a face)"

    def parse(self, parameter: str, raw: str) -> tuple[Fit, FaceArea | None]:
        first, comma, rest = raw.partition(",")
        if first != FACEAREA:
            fit = self.words.get(raw)
            if fit is None:
                raise fail(parameter, self, raw)
            return fit, None
        if not comma:
            return FACEAREA_FALLBACK, FaceArea()
        fallback = self.words.get(rest)
        if fallback is None:
            raise fail(parameter, self, raw)
        return fallback, FaceArea()

    def format(self, value: tuple[Fit, FaceArea | None]) -> str:
        fit, faces = value
        if faces is None:
            return str(fit.value)
        return FACEAREA if fit is FACEAREA_FALLBACK else f"{FACEAREA},{fit.value}"
