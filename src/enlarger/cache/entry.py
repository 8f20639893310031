"""What a result cache holds (``Entry``), how it is named (``ResultKey``), and the
protocol every layer implements (``ResultCache``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Protocol

RESULTS = "results"
ENTRIES = f"{RESULTS}/entries"


@dataclass(frozen=True, slots=True)
class Entry:
    """A rendered result with what its response needs besides the bytes."""

    data: bytes
    etag: str
    content_type: str
    #: the output format's name (``webp``): the ``dl=`` file extension, logs and metrics.
    format: str

    @property
    def size(self) -> int:
        return len(self.data)

    def to_bytes(self) -> bytes:
        """One object: a JSON header line, then the bytes."""
        header = {"etag": self.etag, "content_type": self.content_type, "format": self.format}
        return json.dumps(header).encode("utf-8") + b"\n" + self.data

    @classmethod
    def from_bytes(cls, blob: bytes) -> Entry:
        """Read ``to_bytes``' output; ``ValueError`` for anything else."""
        line, separator, data = blob.partition(b"\n")
        if not separator:
            raise ValueError("no header line")
        header = json.loads(line)
        return cls(data, str(header["etag"]), str(header["content_type"]), str(header["format"]))


@dataclass(frozen=True, slots=True)
class ResultKey:
    """One result of one source.

    ``source`` is the source's name as its URL gives it (``photos/a.jpg``, ``i/<id>``):
    what a purge names. ``variant`` is a digest of everything else the bytes depend on:
    the source's identity (version), the canonical spec, the accepted formats when the
    format is negotiated and the renderer's version (the response's strong ETag is
    exactly that digest). A changed original has a new identity, so a new variant.
    """

    source: str
    variant: str
    source_digest: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_digest", source_digest(self.source))

    @property
    def object_key(self) -> str:
        """``results/entries/ab/<source digest>/<variant>``: one prefix per source."""
        return f"{source_prefix(self.source_digest)}/{self.variant}"


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def source_prefix(digest: str) -> str:
    """The store prefix holding every result of the source with this ``source_digest``."""
    return f"{ENTRIES}/{digest[:2]}/{digest}"


class ResultCache(Protocol):
    """One cache layer."""

    async def get(self, key: ResultKey) -> Entry | None: ...

    async def put(self, key: ResultKey, entry: Entry) -> None: ...

    async def purge(self, source: str) -> None:
        """Forget every result of ``source``."""
        ...
