"""Render a ``Case``, compare it with its stored reference, and write what a person needs
when they differ.

References are the decoded render (every frame stacked for an animation) saved as WebP,
lossy or lossless, whichever is smaller, so the set stays small enough to keep in the
repository. A render is compared after the same encoding (``stored_like_reference``):
the loss of lossy WebP (about 1.5 mean CIEDE2000 on these photos) is on both sides.
``ENLARGER_REGENERATE_VISUAL=1`` writes them (and the contact sheet) instead of
comparing. A failing case writes
``actual.png``, ``expected.png`` and ``difference.png`` to ``FAILURES/<name>/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyvips

from enlarger.imaging import Rendered, RenderOptions, Sources, render
from enlarger.spec import imgix
from enlarger.spec.model import RenderSpec
from enlarger.spec.thumbor import parse_path
from tests.support.images import sniff
from tests.support.perceptual import ciede2000, difference_image, hamming, lab, phash
from tests.visual.cases import Case, source_bytes

REPO = Path(__file__).resolve().parents[2]
REFERENCES = Path(__file__).resolve().parent / "references"
FAILURES = REPO / "build" / "visual-failures"
REGENERATE = os.environ.get("ENLARGER_REGENERATE_VISUAL") == "1"
#: the CIEDE2000 over which a pixel counts as changed (10: plainly another colour).
CHANGED = 10.0
#: WebP quality of lossy references.
REFERENCE_QUALITY = 90


def spec_of(case: Case) -> RenderSpec:
    if case.dialect == "thumbor":
        return parse_path(case.url)[0].spec
    return imgix.parse(case.url)


def rendered(case: Case) -> Rendered:
    extras = {role: source_bytes(name) for role, name in case.extras.items()}
    return render(
        Sources(source_bytes(case.source), extras), spec_of(case), case.accepted, RenderOptions()
    )


def decoded(output: Rendered) -> Any:
    """The output's pixels; an animation's frames stacked top to bottom."""
    every_frame = {"n": -1} if sniff(output.data) in ("gif", "webp") else {}
    return pyvips.Image.new_from_buffer(output.data, "", **every_frame).copy_memory()


def reference_path(case: Case) -> Path:
    return REFERENCES / f"{case.name}.webp"


def as_stored(image: Any, lossless: bool) -> bytes:
    """``image`` as a reference is stored: one still WebP (an animation's frames stay
    stacked), lossless or at ``REFERENCE_QUALITY``."""
    still = (image.colourspace("srgb") if image.bands < 3 else image).copy()
    for name in ("page-height", "delay", "loop", "gif-delay", "gif-loop"):
        if still.get_typeof(name) != 0:
            still.remove(name)
    options = {"lossless": True} if lossless else {"Q": REFERENCE_QUALITY}
    data: bytes = still.webpsave_buffer(strip=True, effort=6, **options)
    return data


def save_reference(case: Case, image: Any) -> None:
    """The smaller of lossless and lossy: flat art (halftone, GIF palettes) compresses
    better losslessly, photos lossily."""
    REFERENCES.mkdir(exist_ok=True)
    smaller = min((as_stored(image, lossless) for lossless in (True, False)), key=len)
    reference_path(case).write_bytes(smaller)


def load_reference(case: Case) -> tuple[Any, bool]:
    """The reference's pixels, and whether it is stored losslessly."""
    data = reference_path(case).read_bytes()
    lossless = data[12:16] == b"VP8L" or b"VP8L" in data[12:64]
    return pyvips.Image.new_from_buffer(data, "").copy_memory(), lossless


def stored_like_reference(image: Any, lossless: bool) -> Any:
    """``image`` through the reference's own encoding, so that an unchanged render meets
    its reference with the encoder's loss on both sides and only real changes count."""
    return pyvips.Image.new_from_buffer(as_stored(image, lossless), "").copy_memory()


@dataclass(frozen=True)
class Verdict:
    """How far a render is from its reference."""

    size: tuple[int, int]
    expected_size: tuple[int, int]
    hash_bits: int
    colour: float
    #: the share of pixels whose CIEDE2000 is over ``CHANGED``: a local change (a corner,
    #: a shifted edge) that the mean over the picture dilutes.
    changed: float

    def problems(self, case: Case) -> list[str]:
        if self.size != self.expected_size:
            return [f"size {self.size}, expected {self.expected_size}"]
        found = []
        if self.hash_bits > case.hash_limit:
            found.append(f"perceptual hash differs in {self.hash_bits} bits > {case.hash_limit}")
        if case.colour_limit is not None and self.colour > case.colour_limit:
            found.append(f"mean CIEDE2000 {self.colour:.2f} > {case.colour_limit}")
        if case.colour_limit is not None and self.changed > case.area_limit:
            found.append(
                f"{self.changed:.2%} of pixels changed by CIEDE2000 > {CHANGED}"
                f" (at most {case.area_limit:.2%})"
            )
        return found


def compare(actual: Any, expected: Any) -> Verdict:
    size, expected_size = (actual.width, actual.height), (expected.width, expected.height)
    if size != expected_size:
        return Verdict(size, expected_size, 64, float("inf"), 1.0)
    distance = ciede2000(lab(actual), lab(expected))
    bits = hamming(phash(actual), phash(expected))
    return Verdict(
        size, expected_size, bits, float(distance.mean()), float((distance > CHANGED).mean())
    )


def write_failure(case: Case, actual: Any, expected: Any) -> Path:
    """``actual.png``, ``expected.png`` and (same size only) ``difference.png``."""
    folder = FAILURES / case.name
    folder.mkdir(parents=True, exist_ok=True)
    actual.pngsave(str(folder / "actual.png"))
    expected.pngsave(str(folder / "expected.png"))
    if (actual.width, actual.height) == (expected.width, expected.height):
        difference_image(actual, expected).pngsave(str(folder / "difference.png"))
    return folder
