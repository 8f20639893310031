"""The fixed order of the pixel pipeline. Each step is one function ``Run -> Run``.

0. analyse: ``ANALYSERS`` may replan before anything is decoded (``analyse.py``)

1. load: shrink-on-load decode at the Plan's scale, keeping only the part the Plan
   shows, in 8-bit sRGB or greyscale (CMYK/ICC sources converted here)
2. orient: the Plan's orientation (EXIF or ``orient``), then ``flip``
3. region: the Plan's region (smartcrop when the Plan asks for interest)
4. resize: exactly ``Plan.scaled``
5. pad: to ``Plan.canvas`` (solid, blur, clamp)
6. rotate: ``rot`` within the canvas
   then effects, each skipped at once when its field is unset: grayscale, adjust
   (brightness, contrast, saturation), rgb_shift, equalize, blur, sharpen, convolve, noise,
   watermark, round_corner (``tone.py``, ``detail.py``, ``watermark.py``,
   ``corners.py``), and ``turn``
7. colour: the output's ICC profile (kept only for ``cs=origin``)
8. alpha: flattened onto ``bg`` for formats without alpha; ``bg`` fills transparency
Encoding (``encode.py``) follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from enlarger.imaging.analyse import Replan, replan
from enlarger.imaging.state import Run
from enlarger.imaging.steps.alpha import alpha
from enlarger.imaging.steps.colour import colour
from enlarger.imaging.steps.corners import round_corner
from enlarger.imaging.steps.detail import blur, convolve, noise, sharpen
from enlarger.imaging.steps.load import load
from enlarger.imaging.steps.orient import orient
from enlarger.imaging.steps.pad import pad
from enlarger.imaging.steps.region import region
from enlarger.imaging.steps.resize import resize
from enlarger.imaging.steps.rotate import rotate
from enlarger.imaging.steps.tone import adjust, equalize, grayscale, rgb_shift
from enlarger.imaging.steps.turn import turn
from enlarger.imaging.steps.watermark import watermark
from enlarger.imaging.trim import trim

Step = Callable[[Run], Run]

STEPS: tuple[Step, ...] = (
    load,
    orient,
    region,
    resize,
    pad,
    rotate,
    *(grayscale, adjust, rgb_shift, equalize, blur, sharpen, convolve, noise),
    *(watermark, round_corner, turn),
    colour,
    alpha,
)

#: content-dependent replanning before the load step.
ANALYSERS: tuple[Replan, ...] = (trim,)


def run_steps(run: Run, analysers: Sequence[Replan] = ANALYSERS) -> Run:
    run = replan(run, analysers)
    for step in STEPS:
        run = step(run)
    return run
