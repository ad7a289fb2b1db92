"""A small cache-backed rate limiter for citizen endpoints (booking, codes).

Fixed windows keyed by client address: good enough to stop a script hammering the booking
form; the operator's reverse proxy is the place for heavier protection.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from digitale_balie_plugin.conf import app_settings


def client_id(request) -> str:
    header = app_settings.TRUSTED_PROXY_HEADER
    raw = request.META.get(header, "") if header else ""
    address = raw.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:32]  # no addresses in the cache


def hit(request, scope: str, limit: int, window: int) -> bool:
    """Count one attempt; ``True`` while the client stays within ``limit`` per ``window`` seconds."""
    key = f"digitale_balie:rl:{scope}:{client_id(request)}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
