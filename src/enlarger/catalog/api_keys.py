"""API key rows: only a key's hash is kept; a key is found by its short prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from enlarger.catalog.models import ApiKey, utcnow

API_KEY_TAG = "enl"


def create_api_key(session: Session, name: str) -> tuple[ApiKey, str]:
    """A new key: the row (hash only) and the key itself, shown to the user once."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=_hash_key(key), created_at=utcnow())
    session.add(row)
    session.flush()
    return row, key


def authenticate_api_key(session: Session, presented: str) -> ApiKey | None:
    """The live key row matching ``presented``, or None (unknown, malformed, revoked)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_TAG:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if row is None or row.revoked_at is not None:
        return None
    return row if hmac.compare_digest(row.key_hash, _hash_key(presented)) else None


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


#: the most digits a key id is looked up by (a longer number cannot be an id).
_ID_DIGITS = 9


def find_api_key(session: Session, id_or_prefix: str) -> ApiKey | None:
    """The key with this numeric id, or else with this prefix (a prefix, hex, may be all
    digits too)."""
    if id_or_prefix.isdigit() and len(id_or_prefix) <= _ID_DIGITS:
        by_id = session.scalar(select(ApiKey).where(ApiKey.id == int(id_or_prefix)))
        if by_id is not None:
            return by_id
    return session.scalar(select(ApiKey).where(ApiKey.prefix == id_or_prefix))


def revoke_api_key(session: Session, prefix: str) -> bool:
    """Revoke by prefix; False when no live key has it."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def _hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()
