"""thumbor's ``convolution(matrix, columns[, normalize])`` -> ``effects.convolution``.

``matrix`` is the kernel's weights row by row, separated by ``;``; ``columns`` its width.
The weights must fill whole rows, and the kernel is at most 15 x 15 (thumbor sets no
limit; a large kernel is a cheap way to make a server work hard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from enlarger.errors import InvalidParameter
from enlarger.spec import args
from enlarger.spec.model import Convolution
from enlarger.spec.thumbor.draft import Draft

MOST_SIDE = 15
_WEIGHT = args.Number(args.Range(-1e6, 1e6))


@dataclass(frozen=True, slots=True)
class Weights:
    """``w;w;...``: the kernel's weights, numbers separated by ``;``."""

    @property
    def expected(self) -> str:
        return f"numbers separated by ';' (at most {MOST_SIDE * MOST_SIDE})"

    def parse(self, parameter: str, raw: str) -> tuple[float, ...]:
        words = raw.split(";")
        if len(words) > MOST_SIDE * MOST_SIDE:
            raise args.base.fail(parameter, self, raw)
        try:
            return tuple(_WEIGHT.parse(parameter, word) for word in words)
        except InvalidParameter:
            raise args.base.fail(parameter, self, raw) from None

    def format(self, value: tuple[float, ...]) -> str:
        return ";".join(args.format_number(weight) for weight in value)


PARAMS: tuple[args.Arg[Any], ...] = (
    Weights(),
    args.Integer(args.Range(1, MOST_SIDE)),
    args.Boolean(),
)
DEFAULTS = (True,)


def apply_convolution(draft: Draft, values: tuple[Any, ...]) -> Draft:
    weights, columns, normalize = values
    rows = len(weights) // columns
    if len(weights) % columns or rows > MOST_SIDE:
        raise InvalidParameter(
            "convolution()",
            f"whole rows of {columns} weights, at most {MOST_SIDE}",
            str(len(weights)),
        )
    return draft.set("effects.convolution", Convolution(weights, columns, normalize))
