"""The one error tree.

Every error a client can cause is an ``EnlargerError`` subclass that carries its HTTP
status and a public message. ``enlarger.http.errors`` is the one place that turns
them into JSON responses; nothing parses message strings to recover a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

#: how many characters of a client's value an error quotes back: enough to recognise it,
#: never enough to let a huge value inflate the error body.
QUOTED_CHARS = 64
#: the longest message or text detail any error body carries, whatever built it.
MAX_ERROR_TEXT = 1024


def clipped(value: str, limit: int = QUOTED_CHARS) -> str:
    """``value``, cut to ``limit`` characters (the cut marked with "...")."""
    return value if len(value) <= limit else value[: limit - 3] + "..."


class EnlargerError(Exception):
    """Base of every expected error. ``report`` says whether operators should see it."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    report: ClassVar[bool] = True

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: Mapping[str, Any] = details

    def body(self) -> dict[str, Any]:
        """The JSON body clients receive; no text in it is longer than ``MAX_ERROR_TEXT``."""
        details = {
            name: clipped(value, MAX_ERROR_TEXT) if isinstance(value, str) else value
            for name, value in self.details.items()
        }
        return {"error": self.code, "message": clipped(self.message, MAX_ERROR_TEXT), **details}


class ClientError(EnlargerError):
    status = 400
    code = "bad_request"
    report = False


class InvalidParameter(ClientError):
    """A URL parameter is unknown or has a bad value: names what was expected and given."""

    code = "invalid_parameter"

    def __init__(self, parameter: str, expected: str, given: str) -> None:
        parameter, given = clipped(parameter), clipped(given)
        super().__init__(
            f"parameter {parameter!r}: expected {expected}, got {given!r}",
            parameter=parameter,
            expected=expected,
            given=given,
        )


class InvalidCallback(ClientError):
    """An upload's ``callback_url`` cannot receive events (its host does not resolve)."""

    code = "invalid_callback_url"


class OutputTooLarge(ClientError):
    code = "output_too_large"


class Unauthorized(ClientError):
    status = 401
    code = "unauthorized"


class Forbidden(ClientError):
    status = 403
    code = "forbidden"


class BadSignature(Forbidden):
    code = "bad_signature"


class BlockedAddress(Forbidden):
    """A client-given URL leads to a loopback, private or otherwise non-public address."""

    code = "blocked_address"


class NotFound(ClientError):
    status = 404
    code = "not_found"


class Expired(ClientError):
    status = 410
    code = "expired"


class PayloadTooLarge(ClientError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ClientError):
    status = 415
    code = "unsupported_media_type"


class UnprocessableImage(ClientError):
    """The source exists but is not an image we can decode, or breaks a limit."""

    status = 422
    code = "unprocessable_image"


class TooManyPixels(UnprocessableImage):
    code = "too_many_pixels"


class QuotaExceeded(ClientError):
    """The API key has used its monthly optimization quota."""

    status = 429
    code = "quota_exceeded"


class FetchFailed(ClientError):
    """A client-given URL could not be fetched (DNS, connection, error status)."""

    status = 422
    code = "fetch_failed"


class FetchTimeout(EnlargerError):
    """A URL did not answer in time: the upstream's fault, not the client's, hence 504.

    Transient: a job that meets one retries it (unlike a ``ClientError``).
    """

    status = 504
    code = "fetch_timeout"
    report = False


class Overloaded(EnlargerError):
    """Shed load: the wait queue is full. Clients should retry after ``retry_after``."""

    status = 429
    code = "overloaded"
    report = False

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class Unavailable(EnlargerError):
    """503. ``retry_after`` (seconds) only when a retry can succeed; None: it would not."""

    status = 503
    code = "unavailable"

    def __init__(self, message: str, retry_after: int | None = 1) -> None:
        super().__init__(message, **({} if retry_after is None else {"retry_after": retry_after}))
        self.retry_after = retry_after


class DeadlineExceeded(Unavailable):
    code = "deadline_exceeded"


class ConfigError(EnlargerError):
    """Bad settings or presets: raised at start-up, never during a request."""

    code = "config_error"
