"""API key checks for the write API: ``Authorization: Bearer <key>``.

Keys are created, hashed and looked up by ``catalog.api_keys`` (SHA-256 of a 256-bit
random key, found by its short prefix, compared in constant time). This module maps a
request's header to the key row: no header or no bearer token is 401, a key that is
unknown, wrong or revoked is 403.
"""

from __future__ import annotations

import hmac

from enlarger.catalog.api_keys import authenticate_api_key
from enlarger.catalog.models import ApiKey
from enlarger.catalog.types import Session
from enlarger.errors import Forbidden, Unauthorized


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer`` header, or 401."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("an API key is required: send 'Authorization: Bearer <key>'")
    return token.strip()


def authenticate(session: Session, authorization: str | None) -> ApiKey:
    """The live key the header carries; 401 without one, 403 when it is not valid."""
    key = authenticate_api_key(session, bearer_token(authorization))
    if key is None:
        raise Forbidden("the API key is not valid or has been revoked")
    return key


def authenticate_named(session: Session, auth: object) -> ApiKey:
    """Kraken's body authentication, ``{"api_key": NAME, "api_secret": KEY}``: the live
    key KEY whose name is NAME. 401 when missing, 403 when either does not match."""
    if not isinstance(auth, dict):
        raise Unauthorized('authentication is required: "auth": {"api_key", "api_secret"}')
    name, secret = auth.get("api_key"), auth.get("api_secret")
    if not isinstance(name, str) or not isinstance(secret, str) or not name or not secret:
        raise Unauthorized('authentication is required: "auth": {"api_key", "api_secret"}')
    key = authenticate_api_key(session, secret)
    if key is None or not hmac.compare_digest(key.name.encode(), name.encode()):
        raise Forbidden("the API key and secret do not match a live key")
    return key
