"""The conversation's lifecycle: open, join, wait, start, message, end — one transaction each.

Every change bumps the live version (``calls.live``) after commit, so both screens see it on their
next poll, and writes an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live, signals
from digitale_balie_plugin.exceptions import CounterError, InvalidToken
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import (
    AccessToken,
    Appointment,
    CallSession,
    ParticipantAccess,
    SessionStatus,
    WaitingRoomMessage,
)
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.tokens import hash_token


class SessionClosed(CounterError):
    default_message = _("This conversation has ended.")


def _changed(session: CallSession) -> None:
    transaction.on_commit(lambda: _bump(session))


def _bump(session: CallSession) -> None:
    live.bump(session)
    if not session.is_open:
        forget_accesses(session)
    if session.is_walk_in:  # everyone behind in the walk-in queue moves up: their pages must refresh
        waiting = CallSession.objects.filter(seat_id=session.seat_id, is_walk_in=True, status=SessionStatus.WAITING)
        for other in waiting.exclude(pk=session.pk).only("pk", "seat_id"):
            live.bump(other)


def _new_room_name() -> str:
    return get_video_provider().new_room_name()


def session_for_appointment(appointment: Appointment) -> CallSession:
    """The appointment's conversation, created on first need (join link opened, console shown)."""
    session = CallSession.objects.filter(appointment=appointment).first()
    if session is not None:
        return session
    with transaction.atomic():
        session, created = CallSession.objects.get_or_create(
            appointment=appointment,
            defaults={
                "site_id": appointment.site_id,
                "seat_id": appointment.seat_id,
                "service_id": appointment.service_id,
                "channel": appointment.channel,
                "citizen_name": appointment.citizen_name,
                "planned_start": appointment.start,
                "room_name": _new_room_name(),
            },
        )
        if created:
            _changed(session)
    return session


def open_contact(seat, *, channel: str, clerk, citizen_name: str = "", appointment=None, service=None) -> CallSession:
    """A phone, chat or desk contact opened from the console (no video), so in-call actions work there too."""
    if appointment is not None:
        session = session_for_appointment(appointment)
        CallSession.objects.filter(pk=session.pk).update(channel=channel)
        session.refresh_from_db()
    else:
        session = CallSession.objects.create(
            site_id=seat.site_id,
            seat=seat,
            service=service,
            channel=channel,
            citizen_name=citizen_name,
            planned_start=timezone.now(),
            room_name=_new_room_name(),
            status=SessionStatus.WAITING,
            waiting_since=timezone.now(),
        )
    record("session.opened", session, user=clerk, site=seat.site, channel=channel)
    return start_call(session, clerk)


@dataclass(frozen=True)
class Joined:
    session: CallSession
    cookie_token: str
    access: ParticipantAccess


def join_with_link(raw_join_token: str, site) -> Joined:
    """Exchange the e-mailed join link for a participant cookie (the link itself stays in no URL bar)."""
    token = AccessToken.objects.select_related("appointment").valid(raw_join_token, AccessToken.Purpose.JOIN).first()
    if token is None or token.appointment.site_id != site.pk or token.appointment.status != "booked":
        raise InvalidToken()
    session = session_for_appointment(token.appointment)
    if not session.is_open:
        raise SessionClosed()
    raw, access = ParticipantAccess.issue(session, ParticipantAccess.Role.CITIZEN, session.citizen_name)
    record("session.joined", session, actor_label="citizen", site=site, role="citizen")
    return Joined(session, raw, access)


def join_as_guest(raw_link: str, site) -> Joined:
    link = ParticipantAccess.objects.select_related("session").valid(raw_link).filter(purpose="link").first()
    if link is None or link.session.site_id != site.pk or not link.session.is_open:
        raise InvalidToken()
    raw, access = ParticipantAccess.issue(link.session, link.role, link.display_name)
    record("session.joined", link.session, actor_label="guest", site=site, role="guest")
    return Joined(link.session, raw, access)


_ACCESS_TTL = 60


def _access_key(token_hash: str) -> str:
    return f"digitale_balie:access:{token_hash}"


def _cache_keys(digest: str) -> tuple[str, str]:
    return _access_key(digest), _access_key(digest) + ":until"


def _known_valid(found: dict, digest: str, session_id: int) -> bool:
    """Did the cache say this cookie belongs to this session, and is it still unexpired?"""
    owner_key, until_key = _cache_keys(digest)
    until = found.get(until_key)
    return found.get(owner_key) == session_id and until is not None and until > timezone.now()


def remember_access(access: ParticipantAccess) -> None:
    """Cache a cookie check the database just confirmed, for at most a minute.

    Only positive answers are cached; revoking, ending or marking a no-show deletes them
    (``forget_accesses``), so a revoked guest is out on the next poll.
    """
    ttl = min(_ACCESS_TTL, int((access.expires_at - timezone.now()).total_seconds()))
    if ttl > 0:
        owner_key, until_key = _cache_keys(access.token_hash)
        cache.set_many({owner_key: access.session_id, until_key: access.expires_at}, ttl)


def unchanged_version(session_id: int, raw_cookie: str | None) -> str | None:
    """For a poll: the session's current version when the cookie is known valid in the cache.

    One cache round trip for both facts, so an unchanged poll costs no SQL. ``None``: ask the database.
    """
    if not raw_cookie:
        return None
    digest = hash_token(raw_cookie)
    version_key = live.version_key("session", session_id)
    found = cache.get_many([version_key, *_cache_keys(digest)])
    return found.get(version_key) if _known_valid(found, digest, session_id) else None


def cached_heartbeat(session_id: int, raw_cookie: str | None) -> bool | None:
    """A heartbeat from the cache: ``None`` = ask the database, else whether it is an arrival.

    One round trip on Redis (a script checks the cookie's cached owner and records presence together),
    two on other caches."""
    if not raw_cookie:
        return None
    digest = hash_token(raw_cookie)
    fast = live.beat_if_owner(_cache_keys(digest)[0], session_id)  # one round trip on Redis
    if fast is not live.UNSUPPORTED:
        return fast
    presence_key = live.presence_key(session_id)
    found = cache.get_many([presence_key, *_cache_keys(digest)])
    if not _known_valid(found, digest, session_id):
        return None
    cache.set(presence_key, int(timezone.now().timestamp()), live.PRESENCE_SECONDS)
    return presence_key not in found


def forget_accesses(session: CallSession) -> None:
    """Drop cached cookie checks of this session (after revoke, end or no-show)."""
    digests = ParticipantAccess.objects.filter(session=session).values_list("token_hash", flat=True)
    cache.delete_many([key for digest in digests for key in _cache_keys(digest)])


def access_for(session_id: int, raw_cookie: str | None) -> ParticipantAccess | None:
    """The cookie's access to this session, or None (wrong session, revoked, expired, ended)."""
    if not raw_cookie:
        return None
    return (
        ParticipantAccess.objects.select_related("session")
        .valid(raw_cookie)
        .filter(session_id=session_id, purpose="cookie")
        .first()
    )


def arrived(session: CallSession) -> None:
    """The citizen opened the waiting room. On the day of the appointment (early or not) they join the queue;
    before that day nobody would see them, so they stay expected (their page says when to come back)."""
    if session.before_its_day:
        return
    if session.status == SessionStatus.EXPECTED:
        CallSession.objects.filter(pk=session.pk, status=SessionStatus.EXPECTED).update(
            status=SessionStatus.WAITING, waiting_since=timezone.now()
        )
    live.bump(session)


def invite_guest(session: CallSession, display_name: str, *, by_user=None) -> str:
    """A guest link (interpreter, carer). Revocable; it dies with the call."""
    if not session.is_open:
        raise SessionClosed()
    raw, access = ParticipantAccess.issue(session, ParticipantAccess.Role.GUEST, display_name, purpose="link")
    record(
        "session.guest_invited",
        session,
        user=by_user,
        actor_label="" if by_user else "citizen",
        site=session.site,
        access=access.pk,
    )
    _changed(session)
    return raw


def revoke_guest(session: CallSession, access_id: int, *, by_user) -> None:
    with transaction.atomic():
        guests = ParticipantAccess.objects.filter(session=session, role=ParticipantAccess.Role.GUEST)
        link = guests.filter(pk=access_id).first()
        if link is None:  # another conversation's, or no id at all
            raise CounterError(_("This guest link does not exist (any more)."))
        ParticipantAccess.objects.filter(
            session=session, role=ParticipantAccess.Role.GUEST, display_name=link.display_name
        ).update(revoked_at=timezone.now())
        record("session.guest_revoked", session, user=by_user, site=session.site, access=access_id)
        _changed(session)
        transaction.on_commit(lambda: forget_accesses(session))


def send_message(session: CallSession, text: str, *, by_user) -> WaitingRoomMessage:
    message = WaitingRoomMessage.objects.create(session=session, text=text.strip()[:300], sent_by=by_user)
    _changed(session)
    return message


def start_call(session: CallSession, clerk) -> CallSession:
    """Start now; allowed early when the citizen is already waiting."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        if not session.is_open:
            raise SessionClosed()
        if session.status != SessionStatus.IN_CALL:
            session.status, session.started_at, session.clerk = SessionStatus.IN_CALL, timezone.now(), clerk
            session.save(update_fields=["status", "started_at", "clerk"])
            record("session.started", session, user=clerk, site=session.site, channel=session.channel)
            _changed(session)
            transaction.on_commit(lambda: signals.call_started.send(sender=CallSession, session=session, clerk=clerk))
    return session


def end_call(session: CallSession, clerk, *, outcome: str, notes: str = "", follow_up=None) -> CallSession:
    """End the call: links stop working after the grace period, the appointment counts as completed."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update(of=("self",)).select_related("appointment").get(pk=session.pk)
        if session.status == SessionStatus.ENDED:
            return session
        now = timezone.now()
        session.status, session.ended_at, session.outcome = SessionStatus.ENDED, now, outcome
        session.notes, session.follow_up, session.clerk = notes, follow_up, session.clerk or clerk
        session.save(update_fields=["status", "ended_at", "outcome", "notes", "follow_up", "clerk"])
        session.accesses.update(expires_at=session.links_valid_until)
        if session.appointment_id:
            Appointment.objects.filter(pk=session.appointment_id).update(status="completed")
            AccessToken.objects.filter(appointment_id=session.appointment_id, purpose=AccessToken.Purpose.JOIN).update(
                expires_at=session.links_valid_until
            )
        record(
            "session.ended",
            session,
            user=clerk,
            site=session.site,
            outcome=outcome,
            follow_up=follow_up.pk if follow_up else None,
        )
        _changed(session)
        transaction.on_commit(
            lambda: signals.call_ended.send(sender=CallSession, session=session, clerk=clerk, outcome=outcome)
        )
    return session


def mark_no_show(session: CallSession, clerk) -> CallSession:
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        if session.status not in (SessionStatus.EXPECTED, SessionStatus.WAITING):
            raise SessionClosed()
        session.status, session.ended_at = SessionStatus.NO_SHOW, timezone.now()
        session.save(update_fields=["status", "ended_at"])
        session.accesses.update(expires_at=timezone.now())
        if session.appointment_id:
            Appointment.objects.filter(pk=session.appointment_id).update(status="no_show")
        record("session.no_show", session, user=clerk, site=session.site)
        _changed(session)
    return session
