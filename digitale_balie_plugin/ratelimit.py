"""A small cache-backed rate limiter for citizen endpoints (booking, codes, walk-in tickets).

Fixed windows keyed by client address: good enough to stop a script hammering the booking
form; the operator's reverse proxy is the place for heavier protection.

Which address: behind a reverse proxy ``REMOTE_ADDR`` is the proxy's own, and the client's is in a
forwarded header that the client can write too (``X-Forwarded-For: <anything>, <real address>``). Only the
entries the operator's own proxies added count, ``TRUSTED_PROXY_COUNT`` of them from the right;
python-ipware parses the header (ports, IPv6 brackets, RFC 7239 ``for=``). Anything else falls back to
``REMOTE_ADDR``: more clients sharing one limit, never one client with many.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.core.cache import cache
from python_ipware import IpWare

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.outages import SERVICE_ERRORS, ServiceAway, log_outage


def client_address(request) -> str:
    """The address the first trusted proxy received the request from (``REMOTE_ADDR`` without proxies)."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = app_settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    header = app_settings.TRUSTED_PROXY_HEADER
    address, _trusted = _reader(header, hops).get_client_ip({header: request.META.get(header, "")})
    return str(address) if address is not None else remote


@lru_cache(maxsize=8)
def _reader(header: str, hops: int) -> IpWare:
    # The nearest proxy is REMOTE_ADDR and not in the header: the header ends with the client and the other
    # hops - 1 proxies, and python-ipware counts the proxies inside the header.
    return IpWare(precedence=(header,), proxy_count=hops - 1)


def limit_key(address: str) -> str:
    """One key per client: an IPv6 client holds a whole /64 (one home, one phone), so it counts once."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def client_id(request) -> str:
    return hashlib.sha256(limit_key(client_address(request)).encode()).hexdigest()[:32]  # no addresses in the cache


def hit(request, scope: str, limit: int, window: int) -> bool:
    """Count one attempt; ``True`` while the client stays within ``limit`` per ``window`` seconds.

    Fails open: while the cache is away (an error, or ``None`` from a cache that ignores its errors) nobody is
    limited. A limit only slows floods down; refusing every citizen for as long as Redis restarts would be worse.
    """
    key = f"digitale_balie:rl:{scope}:{client_id(request)}"
    try:
        return _count(key, limit, window)
    except SERVICE_ERRORS as exc:
        log_outage(f"rate limit {scope}: not counted, the cache", exc)
        return True


def _count(key: str, limit: int, window: int) -> bool:
    added = cache.add(key, 1, timeout=window)
    if added is None:
        raise ServiceAway("the cache answered nothing")
    if added:
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    if count is None:
        raise ServiceAway("the cache answered nothing")
    return count <= limit
