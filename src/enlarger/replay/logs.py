"""Reading access logs: Enlarger's JSON lines (``http/access.py``) and nginx's combined
format. Each readable GET/HEAD line gives its target, ``/path?query``, as it was sent;
anything else (other methods, other events, broken lines) is skipped and counted."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

#: ``127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.jpg?w=10 HTTP/1.1" 200 2326 ...``
_COMBINED = re.compile(r'^\S+ \S+ \S+ \[[^\]]*\] "(?P<method>[A-Z]+) (?P<target>\S+) [^"]*"')
_REPLAYED = frozenset({"GET", "HEAD"})
_PATH_SAFE = "/!$&'()*+,;=:@~"


@dataclass(slots=True)
class LogRead:
    """How many lines were read, replayable or skipped."""

    targets: int = 0
    skipped: int = 0
    formats: Counter[str] = field(default_factory=Counter)


def read_targets(path: Path, read: LogRead | None = None) -> Iterator[str]:
    """The request targets of ``path`` in order; ``read`` counts what was taken."""
    read = read if read is not None else LogRead()
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from targets_of(lines, read)


def targets_of(lines: Iterable[str], read: LogRead) -> Iterator[str]:
    for line in lines:
        parsed = _json_target(line) if line.lstrip().startswith("{") else _combined_target(line)
        if parsed is None:
            read.skipped += line.strip() != ""
            continue
        kind, target = parsed
        read.targets += 1
        read.formats[kind] += 1
        yield target


def _json_target(line: str) -> tuple[str, str] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("method") not in _REPLAYED:
        return None
    path, query = entry.get("path"), entry.get("query") or ""
    if not isinstance(path, str) or not path.startswith("/") or not isinstance(query, str):
        return None
    path = quote(path, safe=_PATH_SAFE)  # the log has it decoded
    return "enlarger", f"{path}?{query}" if query else path


def _combined_target(line: str) -> tuple[str, str] | None:
    match = _COMBINED.match(line)
    if match is None or match["method"] not in _REPLAYED or not match["target"].startswith("/"):
        return None
    return "nginx", match["target"]


def popularity(targets: Iterable[str]) -> list[tuple[str, int]]:
    """Each distinct target with its count, most requested first (ties: first seen)."""
    return Counter(targets).most_common()
