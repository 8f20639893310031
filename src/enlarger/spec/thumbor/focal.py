"""thumbor's ``focal(LxT:RxB)`` and ``extract_focal()`` -> ``geometry.focus``: a crop
centres on that box.

The box is in pixels of the upright source; its centre is the point a crop is centred
on (clamped inside the source), in place of the alignment or ``smart/``. An empty box
is ignored, as thumbor does. thumbor weighs several ``focal()`` boxes by their area;
here a later one replaces an earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from enlarger.errors import ClientError
from enlarger.spec import args
from enlarger.spec.thumbor.draft import Draft
from enlarger.spec.thumbor.grammar import read_url

_BOX = re.compile(r"(\d{1,6})x(\d{1,6}):(\d{1,6})x(\d{1,6})")


@dataclass(frozen=True, slots=True)
class FocalBox:
    """``LxT:RxB``: left, top, right and bottom in pixels."""

    @property
    def expected(self) -> str:
        return "a box LxT:RxB in pixels"

    def parse(self, parameter: str, raw: str) -> tuple[int, int, int, int]:
        match = _BOX.fullmatch(raw)
        if match is None:
            raise args.base.fail(parameter, self, raw)
        left, top, right, bottom = (int(part) for part in match.groups())
        return left, top, right, bottom

    def format(self, value: tuple[int, int, int, int]) -> str:
        return "{}x{}:{}x{}".format(*value)


def apply_focal(draft: Draft, values: tuple[Any, ...]) -> Draft:
    left, top, right, bottom = values[0]
    if right <= left or bottom <= top:
        return draft
    return draft.set("geometry.focus", ((left + right) / 2, (top + bottom) / 2))


#: how deep ``extract_focal()`` looks into thumbor URLs within thumbor URLs (thumbor's).
_MOST_LEVELS = 10
_HOST = re.compile(r"(?:https?://)?[^/]*/")


def extract_focal(image: str) -> tuple[str, tuple[float, float] | None]:
    """``extract_focal()``: when the image path is itself a thumbor URL (``host/<signature>/
    ...AxB:CxD/.../image``, nested up to 10 deep), its image, and the centre of the first
    manual crop found, which becomes the focus. Anything else: unchanged, no focus."""
    path = image
    for _ in range(_MOST_LEVELS):
        _, slash, signed = _HOST.sub("", path, count=1).partition("/")
        if not slash:
            break
        try:
            inner = read_url(signed)
        except ClientError:
            break
        if inner.crop is not None:
            left, top, right, bottom = inner.crop
            return inner.image, ((left + right) / 2, (top + bottom) / 2)
        path = inner.image
    return image, None
