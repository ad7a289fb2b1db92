"""A counter seat's day: which seats a clerk works at, the conversations of today's queue, and the console's
ETag answered from the cache (signed poll tokens). The console (``console/``) builds its page on these."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from digitale_balie_plugin import live
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import Appointment, CallSession, CounterSeat, Document, SessionStatus

CLERK_SEATS_TTL = 60


def today():
    return timezone.localdate(timezone=app_settings.TIME_ZONE)


def ensure_sessions(seat, day=None) -> None:
    """Every booked appointment of the day gets its conversation row (so it shows in the queue)."""
    day = day or today()
    start = timezone.datetime.combine(day, timezone.datetime.min.time(), tzinfo=app_settings.TIME_ZONE)
    missing = Appointment.objects.booked().filter(
        seat=seat, start__gte=start, start__lt=start + timedelta(days=1), session__isnull=True
    )
    provider = get_video_provider()
    for appointment in missing.select_related("service"):
        try:
            with transaction.atomic():
                CallSession.objects.create(
                    appointment=appointment,
                    site_id=appointment.site_id,
                    seat_id=appointment.seat_id,
                    service_id=appointment.service_id,
                    channel=appointment.channel,
                    citizen_name=appointment.citizen_name,
                    planned_start=appointment.start,
                    room_name=provider.new_room_name(),
                )
        except IntegrityError:  # created meanwhile by the citizen's join
            continue


def _seats_key(user_pk) -> str:
    return f"digitale_balie:clerk-seats:{user_pk}"


def clerk_seat_ids(user) -> set[int]:
    """Seats this user may work at, cached briefly so a console poll costs no permission queries.

    Cached with the user's session auth hash, so the poll's fast path (``LivePollMiddleware``) can tell a
    session made before a password change from a current one without loading the user.
    """
    cached = cache.get(_seats_key(user.pk))
    if cached is None:
        seat_ids = set(CounterSeat.objects.canonical().filter(active=True).of_clerk(user).values_list("pk", flat=True))
        cached = {"seats": seat_ids, "auth": user.get_session_auth_hash()}
        cache.set(_seats_key(user.pk), cached, CLERK_SEATS_TTL)
    return cached["seats"]


POLL_TOKEN_SALT = "digitale_balie.console.poll"  # noqa: S105 - a signing salt, not a secret
#: How long a console's poll token lets the cache alone answer "unchanged" (also the longest a clerk who
#: lost access — password changed, removed from the seat's group — still gets 304s: they reveal nothing).
POLL_TOKEN_SECONDS = 60


def poll_token(seat_id: int, session_key: str) -> str:
    """Signed for the console that just received the full state: the seat, its version, today's session
    ids and a hash of the clerk's login session cookie, so the next unchanged poll needs one cache round
    trip (version + presence) and no session, user or permission lookup. It only ever yields a 304, and
    only together with the same session cookie (HttpOnly: a script that reads the token cannot use it)."""
    version, session_ids = cache.get(f"digitale_balie:seat-sessions:{seat_id}") or (None, None)
    if version is None or not session_key:
        return ""
    return signing.dumps([seat_id, version, session_ids, _bind(session_key)], salt=POLL_TOKEN_SALT)


def etag_from_poll_token(token: str, seat_id: int, session_key: str) -> str | None:
    """The console's current ETag when ``token`` is valid for this seat and session and its version is
    still current; ``None`` otherwise (the normal view decides)."""
    try:
        token_seat, version, session_ids, bound = signing.loads(token, salt=POLL_TOKEN_SALT, max_age=POLL_TOKEN_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if token_seat != seat_id or not session_key or not constant_time_compare(bound, _bind(session_key)):
        return None
    version_key = live.version_key("seat", seat_id)
    presence_keys = {live.presence_key(pk): pk for pk in session_ids}
    found = cache.get_many([version_key, *presence_keys])
    if found.get(version_key) != version:
        return None
    here = sorted(pk for key, pk in presence_keys.items() if key in found)
    return f"{version}-{'.'.join(map(str, here))}"


def _bind(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def forget_clerk(user_pk) -> None:
    cache.delete(_seats_key(user_pk))


def queue(seat, day=None) -> list[CallSession]:
    day = day or today()
    sessions = CallSession.objects.for_day(seat, day).exclude(status=SessionStatus.CANCELLED)
    sessions = sessions.select_related("service", "appointment")
    sessions = sessions.prefetch_related(
        "actions", "accesses", Prefetch("documents", queryset=Document.objects.present(), to_attr="present_documents")
    )
    return list(sessions.order_by("planned_start", "ticket_number"))


def console_etag(user, seat_id: int) -> str | None:
    """ETag of a seat's console for this clerk, or ``None`` when the seat is not theirs.

    Two cache round trips on an unchanged poll: one ``get_many`` for the clerk's seats, the seat's
    version and its cached list of today's sessions, one for who is present (presence lives in the cache).
    """
    return _etag(user.pk, seat_id, user=user)


def cached_console_etag(user_pk: int, auth_hash: str, seat_id: int) -> str | None:
    """The same ETag from the cache alone, for a session whose user is ``user_pk`` with ``auth_hash``;
    ``None`` whenever the cache cannot tell (then the normal view decides, with the database)."""
    return _etag(user_pk, seat_id, auth_hash=auth_hash)


def _etag(user_pk: int, seat_id: int, *, user=None, auth_hash: str = "") -> str | None:
    seats_key, version_key = _seats_key(user_pk), live.version_key("seat", seat_id)
    sessions_key = f"digitale_balie:seat-sessions:{seat_id}"
    found = cache.get_many([seats_key, version_key, sessions_key])
    cached_seats = found.get(seats_key)
    if user is None and (cached_seats is None or not constant_time_compare(cached_seats["auth"], auth_hash)):
        return None
    seat_ids = cached_seats["seats"] if cached_seats is not None else clerk_seat_ids(user)
    if seat_id not in seat_ids:
        return None
    version = found.get(version_key) or (live.version("seat", seat_id) if user is not None else None)
    cached_version, session_ids = found.get(sessions_key) or (None, None)
    if cached_version != version or version is None:
        if user is None:
            return None
        session_ids = list(CallSession.objects.for_day(CounterSeat(pk=seat_id), today()).values_list("pk", flat=True))
        cache.set(sessions_key, (version, session_ids), 3600)
    here = sorted(live.present(session_ids))
    return f"{version}-{'.'.join(map(str, here))}"
