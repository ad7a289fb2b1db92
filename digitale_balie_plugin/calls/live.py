"""Live state through the cache: version counters for ETags, and presence heartbeats.

Polls every 2–3 s from every waiting citizen and every console must be cheap: an unchanged poll
compares the client's ETag with a version number kept in the cache and answers 304 without
touching the database. Every change to a session (status, message, action) bumps its version
and its seat's version.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.utils import timezone

PRESENCE_SECONDS = 25  # a heartbeat every 10 s; two missed beats mean "gone"
_VERSION_TTL = 24 * 3600


def _key(kind: str, pk) -> str:
    return f"digitale_balie:live:{kind}:{pk}"


def version(kind: str, pk) -> str:
    """Current version of a session's or seat's state (created on first read)."""
    key = _key(kind, pk)
    value = cache.get(key)
    if value is None:
        value = secrets.token_hex(6)
        if not cache.add(key, value, _VERSION_TTL):
            value = cache.get(key) or value
    return value


def bump(session) -> None:
    """Something changed: every poll of this session and of its seat must fetch the new state."""
    cache.set_many(
        {_key("session", session.pk): secrets.token_hex(6), _key("seat", session.seat_id): secrets.token_hex(6)},
        _VERSION_TTL,
    )


def beat(session_id: int) -> bool:
    """Record a heartbeat; returns True when the citizen was not present before (an arrival)."""
    key = presence_key(session_id)
    if cache.add(key, timezone.now().isoformat(), PRESENCE_SECONDS):
        return True
    cache.touch(key, PRESENCE_SECONDS)
    return False


def presence_key(session_id: int) -> str:
    return _key("presence", session_id)


def present(session_ids) -> set[int]:
    keys = {presence_key(pk): pk for pk in session_ids}
    return {keys[key] for key in cache.get_many(list(keys))}


def version_key(kind: str, pk) -> str:
    return _key(kind, pk)
