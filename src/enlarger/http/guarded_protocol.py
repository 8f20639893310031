"""uvicorn's httptools protocol with the limits it lacks: head size, time and connections.

httptools (llhttp) parses headers of any size, and uvicorn only times out connections
between requests, so a huge header, a half-sent request or thousands of idle sockets
each hold memory and a connection forever. ``protocol_with(limits)`` returns a protocol
class for ``uvicorn.Config(http=...)`` that

* counts the bytes of each request head before the parser sees them and answers 414
  (still in the request line) or 431 (in the headers) once ``max_header_bytes`` pass
  without the head ending, and 414 when the URL alone passes ``max_request_line_bytes``;
* closes a connection that has not sent a complete head within ``header_timeout_s`` of
  opening, or of its previous request ending (idle and slowloris connections alike);
* closes a connection whose request body stops arriving for ``body_idle_timeout_s``
  (not counted while the app is behind and reading is paused);
* answers 503 and closes at once when ``max_connections`` connections are already open;
* gives those answers, and the parser's own 400s (malformed requests, unknown methods),
  the JSON error body the app uses, with ``Connection: close``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: the longest ``\r\n\r\n`` head terminator, less one byte: what a chunk boundary can split.
_TERMINATOR_OVERLAP = 3


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int
    max_request_line_bytes: int
    header_timeout_s: float
    body_idle_timeout_s: float
    max_connections: int


class _Refused(Exception):
    """Raised from a parser callback to stop parsing a request that is refused."""


def error_response(status: HTTPStatus, message: str) -> bytes:
    """A complete HTTP/1.1 response in the app's JSON error shape, closing the connection."""
    code = status.phrase.lower().replace(" ", "_")
    body = json.dumps({"error": code, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "content-type: application/json\r\n"
        "cache-control: no-store\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._head_tail = b""
        self._line_ended = False
        self._refusal: tuple[HTTPStatus, str] | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, "too many open connections")
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._in_head:
            seen = self._head_tail + data[: max(self._head_room(), 0)]
            self._line_ended = self._line_ended or b"\r\n" in seen
            if not self._head_fits(data):
                if self._line_ended:
                    self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large")
                else:
                    self._refuse(HTTPStatus.REQUEST_URI_TOO_LONG, "the request line is too long")
                return
            self._head_bytes += len(data)
            self._head_tail = (self._head_tail + data)[-_TERMINATOR_OVERLAP:]
        elif self._body_timer is not None:
            self._arm_body_timer()
        super().data_received(data)

    def _head_room(self) -> int:
        return self.limits.max_header_bytes - self._head_bytes

    def _head_fits(self, data: bytes) -> bool:
        """Whether the head, with ``data``, ends (or may still end) within the limit."""
        room = self._head_room()
        return len(data) <= room or b"\r\n\r\n" in self._head_tail + data[: max(room, 0)]

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_request_line_bytes:
            self._refusal = (HTTPStatus.REQUEST_URI_TOO_LONG, "the URL is too long")
            raise _Refused

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel(self._head_timer)
        self._head_timer = None
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.more_body:
            self._arm_body_timer()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._cancel(self._body_timer)
        self._body_timer = None
        self._in_head, self._head_bytes, self._head_tail, self._line_ended = True, 0, b"", False
        self._arm_head_timer()

    def send_400_response(self, msg: str) -> None:
        """The parser refused the request: answer in JSON (our own refusals keep their status)."""
        status, message = self._refusal or (HTTPStatus.BAD_REQUEST, "malformed HTTP request")
        self._refuse(status, message)

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        self._cancel_timers()
        self.transport.write(error_response(status, message))
        self.transport.close()

    def _arm_head_timer(self) -> None:
        self._cancel(self._head_timer)
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_timed_out)

    def _head_timed_out(self) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            self._arm_head_timer()  # a response is still being made: the client is waiting
        elif not self.transport.is_closing():
            self.transport.close()

    def _arm_body_timer(self) -> None:
        self._cancel(self._body_timer)
        self._body_timer = self.loop.call_later(
            self.limits.body_idle_timeout_s, self._body_timed_out
        )

    def _body_timed_out(self) -> None:
        if self.flow.read_paused:
            self._arm_body_timer()  # the app is behind, not the client
        elif not self.transport.is_closing():
            self.transport.close()

    def _cancel_timers(self) -> None:
        self._cancel(self._head_timer)
        self._cancel(self._body_timer)
        self._head_timer = self._body_timer = None

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()


def protocol_with(limits: ConnectionLimits) -> type[GuardedHttpToolsProtocol]:
    """A protocol class for ``uvicorn.Config(http=...)`` that enforces ``limits``."""
    return type("LimitedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"limits": limits})
