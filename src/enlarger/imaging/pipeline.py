"""The fixed order of the pixel pipeline. Each step is one function ``Run -> Run``.

0. analyse: ``ANALYSERS`` may replan before anything is decoded (``analyse.py``):
   trim (``trim.py``), faces (``face_crop.py``)

1. load: shrink-on-load decode at the Plan's scale, keeping only the part the Plan
   shows, in 8-bit sRGB or greyscale (CMYK/ICC sources converted here)
2. orient: the Plan's orientation (EXIF or ``orient``), then ``flip``
3. region: the Plan's region (smartcrop when the Plan asks for interest)
4. resize: exactly ``Plan.scaled``
5. pad: to ``Plan.canvas`` (solid, blur, clamp)
6. rotate: ``rot`` within the canvas
   then ``auto=enhance`` (``enhance.py``)
   then effects, each skipped at once when its field is unset: grayscale, adjust
   (brightness, contrast, saturation), tone (exposure, gamma, highlights, shadows,
   hue, vibrance), invert, rgb_shift, equalize, sepia, monochrome, duotone, denoise,
   blur, sharpen, unsharp, convolve, pixelate, halftone, noise, blend, watermark, text,
   round_corner (``tone.py``, ``corrections.py``, ``stylize.py``, ``detail.py``,
   ``blend.py``, ``watermark.py``, ``text.py``, ``corners.py``), ``turn``, then mask
   (``mask.py``: shapes and image masks), pad and border to ``Plan.output``
   (``frame.py``)
7. colour: the output's ICC profile (kept only for ``cs=origin``)
8. alpha: flattened onto ``bg`` for formats without alpha; ``bg`` fills transparency
Steps 2-8 run on each frame of an animation alone (``animation.py``).
Encoding (``encode.py``) follows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from enlarger.imaging.analyse import Replan, replan
from enlarger.imaging.animation import each_frame
from enlarger.imaging.face_crop import face_crop
from enlarger.imaging.state import Run
from enlarger.imaging.steps.alpha import alpha
from enlarger.imaging.steps.blend import blend
from enlarger.imaging.steps.colour import colour
from enlarger.imaging.steps.corners import round_corner
from enlarger.imaging.steps.corrections import invert, tone
from enlarger.imaging.steps.detail import blur, convolve, denoise, noise, sharpen, unsharp
from enlarger.imaging.steps.enhance import enhance
from enlarger.imaging.steps.frame import border, pad_around
from enlarger.imaging.steps.load import load
from enlarger.imaging.steps.mask import mask
from enlarger.imaging.steps.orient import orient
from enlarger.imaging.steps.pad import pad
from enlarger.imaging.steps.region import region
from enlarger.imaging.steps.resize import resize
from enlarger.imaging.steps.rotate import rotate
from enlarger.imaging.steps.stylize import duotone, halftone, monochrome, pixelate, sepia
from enlarger.imaging.steps.text import text
from enlarger.imaging.steps.tone import adjust, equalize, grayscale, rgb_shift
from enlarger.imaging.steps.turn import turn
from enlarger.imaging.steps.watermark import watermark
from enlarger.imaging.trim import trim

Step = Callable[[Run], Run]
#: told each stage's name and its seconds as a render runs (the HTTP layer's metrics and
#: access log). libvips is lazy: most pixel work happens when ``encode`` pulls pixels.
StepClock = Callable[[str, float], None]

STEPS: tuple[Step, ...] = (
    load,
    orient,
    region,
    resize,
    pad,
    rotate,
    enhance,
    *(grayscale, adjust, tone, invert, rgb_shift, equalize),
    *(sepia, monochrome, duotone, denoise, blur, sharpen, unsharp, convolve),
    *(pixelate, halftone, noise, blend, watermark, text, round_corner, turn),
    *(mask, pad_around, border),
    colour,
    alpha,
)

#: content-dependent replanning (trim, faces) before the load step.
ANALYSERS: tuple[Replan, ...] = (trim, face_crop)


def no_clock(step: str, seconds: float) -> None:
    """A ``StepClock`` that keeps nothing."""


def run_steps(
    run: Run, analysers: Sequence[Replan] = ANALYSERS, clock: StepClock = no_clock
) -> Run:
    """Replan, load, then every later step (on each frame of an animation).

    The final image may still stream from the decoder (see the load step): read it
    once, in order (an encoder does), or ``copy_memory()`` it first.
    """
    mark = time.perf_counter()
    run = replan(run, analysers)
    mark = lap(clock, "analyse", mark)
    load_step, *later = STEPS
    run = load_step(run)
    lap(clock, load_step.__name__, mark)
    if clock is not no_clock:
        later = [_timed(step, clock) for step in later]
    return each_frame(run, later)


def _timed(step: Step, clock: StepClock) -> Step:
    def timed(run: Run) -> Run:
        start = time.perf_counter()
        done = step(run)
        lap(clock, step.__name__, start)
        return done

    return timed


def lap(clock: StepClock, step: str, since: float) -> float:
    """Tell ``clock`` the seconds ``step`` took since ``since``; the time now."""
    now = time.perf_counter()
    clock(step, now - since)
    return now
