"""Faces in a source: OpenCV's frontal-face Haar cascade on a small grey copy.

The cascade ships inside opencv-python-headless (``cv2.data``), so detection works
offline with nothing to download. It finds upright faces seen from the front (roughly
within 30 degrees of frontal); profiles and strongly tilted faces are missed, and
face-like textures are occasionally found (docs/faces.md measures both).

The source is looked at fitted within ``FACE_SIDE`` pixels (shrunk on load), so the cost
is about the same for any source size; a face must be at least ``MIN_FACE_SHARE`` of
that copy's longer side to be found. Boxes come back in the oriented (and flipped)
frame's pixels, the Plan's units.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from enlarger.imaging.analyse import glance_at
from enlarger.imaging.frame import oriented_size
from enlarger.imaging.steps.colour import to_working_space
from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Flip
from enlarger.spec.plan import Box

#: the longer side of the copy the cascade looks at.
FACE_SIDE = 512
#: the smallest face found, as a share of that copy's longer side (16 px at 512).
MIN_FACE_SHARE = 1 / 32
CASCADE = "haarcascade_frontalface_alt2.xml"
#: the detector's scale step (1.2 costs about half of 1.1's time and found the same faces
#: with fewer false ones on the benchmark photos, docs/faces.md), and how many overlapping
#: hits make a face (fewer: more faces found, and more false ones).
SCALE_STEP = 1.2
_NEIGHBOURS = 3

#: one classifier per thread: OpenCV does not promise that one is safe to share.
_local = threading.local()


def find_faces(
    data: bytes, facts: SourceFacts, orientation: int, flip: Flip | None = None
) -> tuple[Box, ...]:
    """The faces in ``data``'s first frame, largest first, in pixels of the frame turned
    by EXIF ``orientation`` and then flipped."""
    image = glance_at(data, facts, orientation, flip, FACE_SIDE)
    width, _ = oriented_size(facts.width, facts.height, orientation)
    scale = width / image.width
    return tuple(
        Box(left * scale, top * scale, side * scale, side * scale)
        for left, top, side in detect(image)
    )


def detect(image: Any) -> list[tuple[int, int, int]]:
    """(left, top, side) of each face in the pyvips ``image``, in its pixels, largest
    first (then top to bottom, left to right)."""
    import numpy as np  # on first use: ~16 MB a process, and only face analysis needs it

    grey = to_working_space(image, keep_profile=True, colour=False).colourspace("b-w")
    pixels = np.ndarray(
        buffer=grey.extract_band(0).write_to_memory(),
        dtype=np.uint8,
        shape=(grey.height, grey.width),
    )
    smallest = max(1, round(MIN_FACE_SHARE * max(grey.width, grey.height)))
    cv2 = _opencv()
    found = _classifier().detectMultiScale(
        cv2.equalizeHist(pixels),
        scaleFactor=SCALE_STEP,
        minNeighbors=_NEIGHBOURS,
        minSize=(smallest, smallest),
    )
    faces = [(int(left), int(top), int(max(w, h))) for left, top, w, h in found]
    return sorted(faces, key=lambda face: (-face[2], face[1], face[0]))


@functools.cache
def _opencv() -> Any:
    """OpenCV, imported by the first look for faces: importing it costs a process about
    30 MiB and 0.1 s, which renders that never ask for faces should not pay."""
    import cv2

    # The render pool is the parallelism: OpenCV's own threads would only compete with it.
    cv2.setNumThreads(1)
    return cv2


def _classifier() -> Any:
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        cv2 = _opencv()
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
        if cascade.empty():
            raise RuntimeError(f"OpenCV's {CASCADE} did not load")
        _local.cascade = cascade
    return cascade
