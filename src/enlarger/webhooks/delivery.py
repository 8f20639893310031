"""One delivery attempt of a webhook event: a signed POST through the SSRF guard.

Redirects are not followed (a callback must answer where it was registered). Any 2xx is
success; everything else, including a blocked or unreachable address, is a failed
attempt the ``webhook`` job retries with backoff.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import anyio
import httpcore

from enlarger.errors import ClientError, FetchFailed
from enlarger.security.ssrf import GuardedBackend, check_url, guarded_pool
from enlarger.webhooks.signing import SIGNATURE_HEADER, signature_header

USER_AGENT = b"Enlarger-Webhooks/1"
#: the event's id on every attempt and redelivery, so receivers can drop duplicates even
#: when the body (a Kraken answer) carries no event id of its own.
EVENT_ID_HEADER = "Enlarger-Event-Id"
_FAILURES = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.TimeoutException)


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one POST: the response status, or why there was none."""

    status_code: int | None
    error: str | None
    duration_ms: int
    #: the URL itself is refused (bad scheme, blocked address): retrying cannot help.
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def post_event(
    url: str,
    body: bytes,
    *,
    secret: str,
    allow_private: bool,
    timeout_s: float,
    event_id: str | None = None,
) -> Attempt:
    """POST ``body`` (JSON) to ``url``, signed when ``secret`` is set; failures are returned."""
    started = time.monotonic()
    headers = [(b"Content-Type", b"application/json"), (b"User-Agent", USER_AGENT)]
    if secret:
        header = signature_header(secret, int(time.time()), body)
        headers.append((SIGNATURE_HEADER.encode(), header.encode()))
    if event_id:
        headers.append((EVENT_ID_HEADER.encode(), event_id.encode()))
    timeouts = {"connect": timeout_s, "read": timeout_s, "write": timeout_s, "pool": timeout_s}
    status: int | None = None
    error: str | None = None
    permanent = False
    try:
        check_url(url)
        with anyio.fail_after(timeout_s):
            # streamed and never read: a receiver cannot make us buffer a large answer
            async with (
                guarded_pool(GuardedBackend(allow_private)) as pool,
                pool.stream(
                    "POST", url, headers=headers, content=body, extensions={"timeout": timeouts}
                ) as response,
            ):
                status = response.status
        if not 200 <= status < 300:
            error = f"the receiver answered HTTP {status}"
    except FetchFailed as exc:  # DNS trouble may pass: retried
        error = exc.message
    except ClientError as exc:  # a malformed or blocked URL stays so
        error, permanent = exc.message, True
    except TimeoutError:
        error = f"no answer within {timeout_s:g}s"
    except _FAILURES as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Attempt(status, error, round((time.monotonic() - started) * 1000), permanent)
