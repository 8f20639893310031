"""HMAC-SHA256 signatures of webhook bodies.

Header: ``Enlarger-Signature: t=<unix seconds>,v1=<hex>``, where the MAC is over
``b"<t>." + body`` keyed with ``ingest.webhook_secret``. Signing the timestamp with the
body lets receivers refuse replays older than their tolerance.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Enlarger-Signature"
DEFAULT_TOLERANCE_S = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance_s: int = DEFAULT_TOLERANCE_S
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is at most ``tolerance_s`` old."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp = fields.get("t", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_s:
        return False
    expected = signature(secret, int(timestamp), body)
    return hmac.compare_digest(expected, fields.get("v1", ""))
