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
from digitale_balie_plugin.exceptions import ConversationClosed, CounterError, InvalidToken
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

#: The calls capability's name for it; one exception, so every layer can catch it.
SessionClosed = ConversationClosed


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


class DeviceNotWaiting(CounterError):
    default_message = _("This device is no longer waiting to be let in.")


def appointment_for_join(raw_join_token: str, site) -> Appointment | None:
    """The booked appointment a join link belongs to (on this site), or ``None``; reads only."""
    token = AccessToken.objects.select_related("appointment").valid(raw_join_token, AccessToken.Purpose.JOIN).first()
    if token is None or token.appointment.site_id != site.pk or token.appointment.status != "booked":
        return None
    return token.appointment


def guest_link(raw_link: str, site) -> ParticipantAccess | None:
    """The guest invitation a link belongs to, while its conversation is open; reads only."""
    link = ParticipantAccess.objects.select_related("session").valid(raw_link).filter(purpose="link").first()
    if link is None or link.session.site_id != site.pk or not link.session.is_open:
        return None
    return link


def join_with_link(raw_join_token: str, site, *, held=None, device: str = "") -> Joined:
    """Exchange the e-mailed join link for a participant cookie (the link itself stays in no URL bar).

    ``held(session_id)``: the browser's room cookie for a conversation. The citizen's role is bound to the
    first device: a browser that already holds this conversation's cookie just goes back in; any other
    browser (the citizen on their phone now, or whoever got a forwarded invitation) waits until the clerk
    lets it in (:func:`admit_device`) and gets no request, document or video before that.
    """
    appointment = appointment_for_join(raw_join_token, site)
    if appointment is None:
        raise InvalidToken()
    session = session_for_appointment(appointment)
    if not session.is_open:
        raise SessionClosed()
    raw_held = held(session.pk) if held else None
    if (present := access_for(session.pk, raw_held)) is not None:
        return Joined(session, raw_held, present)
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)  # two first devices at once: one wins
        first = not _citizen_devices(session).filter(admitted=True).exists()
        raw, access = ParticipantAccess.issue(
            session, ParticipantAccess.Role.CITIZEN, session.citizen_name, admitted=first, device=device
        )
        record("session.joined", session, actor_label="citizen", site=site, role="citizen", admitted=first)
        if not first:
            _changed(session)  # the clerk's console shows the device waiting
    return Joined(session, raw, access)


def _citizen_devices(session: CallSession):
    return ParticipantAccess.objects.filter(
        session=session,
        role=ParticipantAccess.Role.CITIZEN,
        purpose="cookie",
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def waiting_devices(session: CallSession) -> list[ParticipantAccess]:
    """Devices that opened the citizen's link after the first one and wait for the clerk."""
    return list(_citizen_devices(session).filter(admitted=False).order_by("created_at"))


def admit_device(session: CallSession, access_id, *, by_user, as_guest: bool = False) -> ParticipantAccess:
    """Let a waiting device in: as the citizen (it takes over; the earlier device is signed out and the
    requests it had not finished can be taken again here), or as a guest (it joins the video only)."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        if not session.is_open:
            raise SessionClosed()
        waiting = _citizen_devices(session).filter(pk=access_id, admitted=False).first()
        if waiting is None:
            raise DeviceNotWaiting()
        if as_guest:
            waiting.role = ParticipantAccess.Role.GUEST
        else:
            _citizen_devices(session).filter(admitted=True).update(revoked_at=timezone.now())
            transaction.on_commit(lambda: signals.citizen_device_changed.send(sender=CallSession, session=session))
        waiting.admitted = True
        waiting.save(update_fields=["role", "admitted"])
        record(
            "session.device_admitted", session, user=by_user, site=session.site, access=waiting.pk, as_guest=as_guest
        )
        _changed(session)
        transaction.on_commit(lambda: forget_accesses(session))
    return waiting


def remove_device(session: CallSession, access_id, *, by_user) -> None:
    """Refuse a waiting device: its page says the link does not work there."""
    with transaction.atomic():
        removed = _citizen_devices(session).filter(pk=access_id, admitted=False).update(revoked_at=timezone.now())
        if not removed:
            raise DeviceNotWaiting()
        record("session.device_removed", session, user=by_user, site=session.site, access=access_id)
        _changed(session)


def join_as_guest(raw_link: str, site, *, held=None) -> Joined:
    link = guest_link(raw_link, site)
    if link is None:
        raise InvalidToken()
    raw_held = held(link.session_id) if held else None
    if (present := access_for(link.session_id, raw_held)) is not None:
        return Joined(link.session, raw_held, present)
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
    if not access.admitted:  # a second device waiting for the clerk: always asks the database
        return
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


def poll_version(session_id: int, raw_cookie: str | None) -> str | None:
    """The version a poll's ETag is compared with: from the cache, or — once a minute per browser, when the
    cached cookie check has expired — after one query that checks the cookie and caches the answer again.

    ``None``: the view must answer (no valid cookie for this conversation, or a device waiting to be let in,
    whose state differs from the citizen's). Why not leave the expired check to the view: with 2,000 waiting
    citizens a minute's expiry sends 33 polls a second through the whole middleware stack and the state
    builder, which made every unchanged poll wait behind them (issue 18)."""
    version = unchanged_version(session_id, raw_cookie)
    if version is not None or not raw_cookie:
        return version
    access = access_for(session_id, raw_cookie)
    if access is None or not access.admitted:
        return None
    remember_access(access)
    return live.version("session", session_id)


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


def checked_heartbeat(session_id: int, raw_cookie: str | None) -> bool | None:
    """A heartbeat recorded without the view when it can be: ``False`` present already (done), ``True`` an
    arrival (recorded in the cache; the view writes it), ``None`` the view must answer.

    When the cache no longer vouches for the cookie (its check expires after a minute), one query checks it
    and the beat is recorded as usual — for the same reason as ``poll_version``."""
    arrival = cached_heartbeat(session_id, raw_cookie)
    if arrival is not None or not raw_cookie:
        return arrival
    access = access_for(session_id, raw_cookie)
    if access is None or not access.admitted or not access.session.is_open:
        return None
    remember_access(access)
    return cached_heartbeat(session_id, raw_cookie)


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
    if not session.is_open:
        raise SessionClosed()
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
        if not session.is_open:  # cancelled or a no-show: nothing to end
            raise SessionClosed()
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


def close_for_cancelled_appointment(appointment: Appointment, *, by_user=None) -> CallSession | None:
    """The appointment was cancelled: its conversation closes too. The citizen's pages say so (410), the
    clerk's queue drops it and it cannot be started; links die after the usual short grace."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update().filter(appointment_id=appointment.pk).first()
        if session is None or not session.is_open:
            return session
        session.status, session.ended_at = SessionStatus.CANCELLED, timezone.now()
        session.save(update_fields=["status", "ended_at"])
        session.accesses.update(expires_at=session.links_valid_until)
        record("session.cancelled", session, user=by_user, actor_label="" if by_user else "citizen", site=session.site)
        _changed(session)
        transaction.on_commit(lambda: signals.call_cancelled.send(sender=CallSession, session=session, by_user=by_user))
    return session


def follow_rescheduled_appointment(appointment: Appointment) -> None:
    """A moved appointment moves its conversation (day, time, seat) unless it has already started: a
    citizen who waited for the old time is back to "expected", and their links live as long as the new
    appointment's."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update().filter(appointment_id=appointment.pk).first()
        if session is None or session.status not in (SessionStatus.EXPECTED, SessionStatus.WAITING):
            return
        old_seat_id = session.seat_id
        session.planned_start, session.seat_id = appointment.start, appointment.seat_id
        session.status, session.waiting_since = SessionStatus.EXPECTED, None
        session.save(update_fields=["planned_start", "seat", "status", "waiting_since"])
        session.appointment = appointment
        session.accesses.filter(revoked_at__isnull=True).update(expires_at=session.links_valid_until)
        _changed(session)
        if old_seat_id != session.seat_id:
            transaction.on_commit(lambda: live.bump_seat(old_seat_id))


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
