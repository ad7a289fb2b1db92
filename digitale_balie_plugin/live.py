"""Live state through the cache: version counters for ETags, presence heartbeats, and the ETag answers
of the JSON endpoints the waiting room and the console poll.

Polls every 2–3 s from every waiting citizen and every console must be cheap: an unchanged poll
compares the client's ETag with a version number kept in the cache and answers 304 without
touching the database. Every change to a session (status, message, action) bumps its version
and its seat's version.
"""

from __future__ import annotations

import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from digitale_balie_plugin.outages import SERVICE_ERRORS, log_outage

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


def bump_seat(seat_id: int) -> None:
    """A conversation left this seat (moved to another): its console must fetch the new queue."""
    cache.set(_key("seat", seat_id), secrets.token_hex(6), _VERSION_TTL)


def beat(session_id: int) -> bool:
    """Record a heartbeat; returns True when the citizen was not present before (an arrival).

    While the cache is away nothing is recorded (not an arrival): the first beat after it is back is one."""
    key = presence_key(session_id)
    if cache.add(key, int(timezone.now().timestamp()), PRESENCE_SECONDS):  # an int: Redis keeps it unpickled
        return True
    try:  # django-redis's IGNORE_EXCEPTIONS does not cover ``touch`` (django-redis 7.0)
        cache.touch(key, PRESENCE_SECONDS)
    except SERVICE_ERRORS as exc:
        log_outage("heartbeat: the cache", exc)
    return False


#: Checks the cached cookie owner and records presence in one Redis round trip (KEYS: owner, presence;
#: ARGV: session id, now as an int, presence seconds). -1: the cache cannot vouch for the cookie;
#: 1: the citizen was present already; 0: an arrival. The owner key expires with the cookie's check.
_BEAT_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local present = redis.call('EXISTS', KEYS[2])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return present
"""
UNSUPPORTED = object()


def beat_if_owner(owner_key: str, session_id: int):
    """A heartbeat in one round trip on django-redis: ``True`` arrival, ``False`` present already, ``None``
    the cache cannot vouch for the cookie (or is away: the view asks the database), ``UNSUPPORTED`` another
    cache backend (use the generic path)."""
    client = _redis_client()
    if client is None:
        return UNSUPPORTED
    script = _scripts.get(id(client)) or _scripts.setdefault(id(client), client.register_script(_BEAT_SCRIPT))
    keys = [cache.client.make_key(owner_key), cache.client.make_key(presence_key(session_id))]
    try:  # the raw client: django-redis's IGNORE_EXCEPTIONS does not cover it
        result = script(keys=keys, args=[session_id, int(timezone.now().timestamp()), PRESENCE_SECONDS], client=client)
    except SERVICE_ERRORS as exc:
        log_outage("heartbeat: the cache", exc)
        return None
    return None if result == -1 else result == 0


_scripts: dict = {}


def _redis_client():
    try:
        from django_redis.cache import RedisCache
    except ImportError:
        return None
    backend = caches[DEFAULT_CACHE_ALIAS]  # ``cache`` is a proxy: isinstance needs the backend itself
    return backend.client.get_client(write=True) if isinstance(backend, RedisCache) else None


def presence_key(session_id: int) -> str:
    return _key("presence", session_id)


def present(session_ids) -> set[int]:
    keys = {presence_key(pk): pk for pk in session_ids}
    return {keys[key] for key in cache.get_many(list(keys))}


def version_key(kind: str, pk) -> str:
    return _key(kind, pk)


# --- answers of the polled JSON endpoints: ETag first, database second ---------------------------


def etag_matches(request, etag: str) -> bool:
    # From META, not ``request.headers``: that builds a dict of every header, on the hottest path we have.
    return request.META.get("HTTP_IF_NONE_MATCH", "").strip() == f'"{etag}"'


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = f'"{etag}"'
    return response


def json_with_etag(data: dict, etag: str) -> JsonResponse:
    response = JsonResponse(data)
    response["ETag"] = f'"{etag}"'
    # no-store: the state names people (queue, messages); the pollers send If-None-Match themselves (live.js),
    # so the 304s work without the browser keeping a copy.
    response["Cache-Control"] = "private, no-cache, no-store"
    return response
