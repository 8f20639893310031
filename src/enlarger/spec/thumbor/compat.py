"""The thumbor compatibility table (docs/thumbor.md), written from the code.

Grammar parts are listed here with their status; filters come from ``filters.FILTERS``.
``tests/unit/spec/test_thumbor_compat.py`` checks that the document equals ``table()``.
"""

from __future__ import annotations

from enlarger.spec.thumbor.draft import Status
from enlarger.spec.thumbor.filters import FILTERS

#: (part, status, note) in the grammar's order.
GRAMMAR: tuple[tuple[str, Status, str], ...] = (
    ("`<signature>/`", Status.SUPPORTED, "HMAC-SHA1, URL-safe base64; 403 when wrong"),
    ("`unsafe/`", Status.SUPPORTED, "403 unless `thumbor_unsafe`"),
    ("`debug/`", Status.NOT_YET, "400"),
    (
        "`meta/`",
        Status.SUPPORTED,
        "same keys and target size; `source` is the real source size, no `focal_points`",
    ),
    ("`trim/`", Status.SUPPORTED, "tolerance per band, 0-255; 400 with a flip"),
    ("`AxB:CxD/` manual crop", Status.SUPPORTED, "an empty crop is ignored, as in thumbor"),
    ("`fit-in/`", Status.SUPPORTED, "never enlarges unless `upscale()`"),
    ("`adaptive-fit-in/`", Status.SUPPORTED, "W and H swap to the source's orientation"),
    (
        "`full-fit-in/`, `adaptive-full-fit-in/`",
        Status.SUPPORTED,
        "covers the box without cutting, up or down",
    ),
    ("`WxH/`, `0`, missing side", Status.SUPPORTED, "0 or missing: proportional"),
    ("`orig`", Status.SUPPORTED, "the source's side"),
    ("`-W`, `-H` (flips)", Status.SUPPORTED, "400 together with a manual crop"),
    ("`left/`, `center/`, `right/`", Status.SUPPORTED, ""),
    ("`top/`, `middle/`, `bottom/`", Status.SUPPORTED, ""),
    (
        "`smart/`",
        Status.SUPPORTED,
        "faces first (OpenCV's frontal-face cascade, as thumbor's face detector; centred on "
        "the box around them), else libvips' attention crop in place of thumbor's features",
    ),
    ("`filters:.../`", Status.SUPPORTED, "unknown filters and bad arguments are 400s"),
    ("image path", Status.SUPPORTED, "percent-encoded; `i/<id>` is an uploaded image"),
)


def table() -> str:
    """docs/thumbor.md's two tables as Markdown (between its BEGIN/END markers)."""
    lines = [
        "| grammar part | status | notes |",
        "|---|---|---|",
        *(f"| {part} | {status} | {note} |" for part, status, note in GRAMMAR),
        "",
        "| filter | status | notes |",
        "|---|---|---|",
        *(f"| `{entry.name}()` | {entry.status} | {entry.note} |" for entry in FILTERS),
    ]
    return "\n".join(lines) + "\n"
