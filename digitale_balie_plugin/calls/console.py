"""What the clerk's console shows: today's queue of a seat, with presence, as JSON-safe data."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..actions.registry import action_type
from ..conf import app_settings
from ..integrations.video import get_video_provider
from ..integrations.video.base import Participant, ParticipantRole
from ..models import ActionStatus, Appointment, CallSession, CounterSeat, SessionStatus
from . import live
from .video import video_provider_for

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


def clerk_seat_ids(user) -> set[int]:
    """Seats this user may work at, cached briefly so a console poll costs no permission queries."""
    key = f"digitale_balie:clerk-seats:{user.pk}"
    seat_ids = cache.get(key)
    if seat_ids is None:
        seat_ids = {
            seat.pk
            for seat in CounterSeat.objects.filter(active=True).prefetch_related("clerk_groups")
            if seat.is_clerk(user)
        }
        cache.set(key, seat_ids, CLERK_SEATS_TTL)
    return seat_ids


def queue(seat, day=None) -> list[CallSession]:
    day = day or today()
    sessions = CallSession.objects.for_day(seat, day).select_related("service", "appointment")
    sessions = sessions.prefetch_related("actions", "accesses")
    return list(sessions.order_by("planned_start", "ticket_number"))


def state(seat, user) -> dict:
    """The console's JSON: the queue with presence, and the call the clerk is in (moderator token)."""
    sessions = queue(seat)
    here = live.present([session.pk for session in sessions])
    items = [_item(session, session.pk in here) for session in sessions]
    current = next((s for s in sessions if s.status == SessionStatus.IN_CALL and s.channel == "video"), None)
    return {
        "sessions": items,
        "call": _moderator_access(current, user) if current else None,
        "current": current.pk if current else None,
    }


def console_etag(user, seat_id: int) -> str | None:
    """ETag of a seat's console for this clerk, or ``None`` when the seat is not theirs.

    Two cache round trips on an unchanged poll: one ``get_many`` for the clerk's seats, the seat's
    version and its cached list of today's sessions, one for who is present (presence lives in the cache).
    """
    seats_key, version_key = f"digitale_balie:clerk-seats:{user.pk}", live.version_key("seat", seat_id)
    sessions_key = f"digitale_balie:seat-sessions:{seat_id}"
    found = cache.get_many([seats_key, version_key, sessions_key])
    seat_ids = found.get(seats_key)
    if seat_ids is None:
        seat_ids = clerk_seat_ids(user)
    if seat_id not in seat_ids:
        return None
    version = found.get(version_key) or live.version("seat", seat_id)
    cached_version, session_ids = found.get(sessions_key) or (None, None)
    if cached_version != version:
        session_ids = list(CallSession.objects.for_day(CounterSeat(pk=seat_id), today()).values_list("pk", flat=True))
        cache.set(sessions_key, (version, session_ids), 3600)
    here = sorted(live.present(session_ids))
    return f"{version}-{'.'.join(map(str, here))}"


def _item(session, present: bool) -> dict:
    local = timezone.localtime(session.planned_start, app_settings.TIME_ZONE)
    waiting = session.waiting_since and timezone.localtime(session.waiting_since, app_settings.TIME_ZONE)
    return {
        "id": session.pk,
        "name": session.citizen_name,
        "service": session.service.name if session.service else "",
        "planned": local.strftime("%H:%M"),
        "channel": session.channel,
        "status": session.status,
        "status_label": str(SessionStatus(session.status).label),
        "present": present,
        "waiting_since": waiting.strftime("%H:%M") if waiting and present else "",
        "walk_in": session.is_walk_in,
        "ticket": session.ticket_number,
        "question": session.appointment.question if session.appointment_id else "",
        "actions": [
            {
                "id": action.pk,
                "kind": action.kind,
                "label": str(action_type(action.kind).label) if action_type(action.kind) else action.kind,
                "status": action.status,
                "status_label": str(ActionStatus(action.status).label),
            }
            for action in session.actions.all()
        ],
        "guests": [
            {"id": access.pk, "name": access.display_name}
            for access in session.accesses.all()
            if access.role == "guest" and access.purpose == "link" and access.revoked_at is None
        ],
    }


def _moderator_access(session, user):
    participant = Participant(
        display_name=user.get_full_name() or user.get_username(),
        role=ParticipantRole.MODERATOR,
        participant_id=f"clerk-{user.pk}",
    )
    return (
        video_provider_for(session.site)
        .room_access(session.room_name, participant, not_after=session.links_valid_until)
        .to_json()
    )
