"""Walk-in digital counter: a virtual ticket during opening hours, without an appointment."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live
from digitale_balie_plugin.booking.opening import open_seats
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.seats import today
from digitale_balie_plugin.calls.sessions import Joined
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import CallSession, CounterSeat, ParticipantAccess, SessionStatus
from digitale_balie_plugin.models.audit import record


class CounterClosed(CounterError):
    default_message = _("The digital counter is closed now.")


class QueueFull(CounterError):
    default_message = _("The queue is full. Please try again later.")


def take_ticket(service, *, name: str, contact: str, language: str = "") -> Joined:
    """Give the citizen the next ticket at the open seat with the shortest queue (``language``: the one they
    use, for what we send them later). No seat takes more than ``WALK_IN_QUEUE_LIMIT`` waiting tickets."""
    seats = open_seats([service])
    if not seats:
        raise CounterClosed()
    with transaction.atomic():
        seat = _shortest_queue(seats)
        CounterSeat.objects.select_for_update().filter(pk=seat.pk).first()  # one ticket number at a time
        if waiting_walk_ins(seat).count() >= app_settings.WALK_IN_QUEUE_LIMIT:  # counted under the lock
            raise QueueFull()
        number = (CallSession.objects.for_day(seat, today()).aggregate(top=Max("ticket_number"))["top"] or 0) + 1
        now = timezone.now()
        session = CallSession.objects.create(
            site_id=seat.site_id,
            seat=seat,
            service=service,
            citizen_name=name,
            contact=contact,
            language=language,
            is_walk_in=True,
            ticket_number=number,
            planned_start=now,
            waiting_since=now,
            status=SessionStatus.WAITING,
            room_name=get_video_provider().new_room_name(),
        )
        raw, access = ParticipantAccess.issue(session, ParticipantAccess.Role.CITIZEN, name)
        record("session.walk_in", session, actor_label="citizen", site=seat.site, ticket=number)
        transaction.on_commit(lambda: live.bump(session))
    return Joined(session, raw, access)


def _shortest_queue(seats):
    counts = dict(
        CallSession.objects.filter(seat__in=seats, status__in=[SessionStatus.WAITING, SessionStatus.IN_CALL])
        .values_list("seat")
        .annotate(n=Count("pk"))
    )
    return min(seats, key=lambda seat: (counts.get(seat.pk, 0), seat.pk))


def waiting_walk_ins(seat, *, since=None, until=None):
    """Today's walk-in tickets still waiting at the seat (those in its queue), arrived in ``[since, until]``."""
    found = CallSession.objects.for_day(seat, today()).filter(is_walk_in=True, status=SessionStatus.WAITING)
    if since is not None:
        found = found.filter(waiting_since__gte=since)
    if until is not None:
        found = found.filter(waiting_since__lte=until)
    return found


def clear_waiting(seat, *, by_user, since=None, until=None) -> int:
    """Close a flood of walk-in tickets at once (see :func:`waiting_walk_ins`); returns how many.

    Each closes as a no-show with its own ``session.cleared`` audit event. Their room cookies keep working for
    the short grace of an ended call, so the citizens' pages say the conversation ended rather than "this link
    does not work"; the tickets behind them move up."""
    with transaction.atomic():
        cleared = list(waiting_walk_ins(seat, since=since, until=until).select_for_update().order_by("pk"))
        ids = [session.pk for session in cleared]
        now = timezone.now()
        CallSession.objects.filter(pk__in=ids).update(status=SessionStatus.NO_SHOW, ended_at=now)
        grace = now + app_settings.JOIN_LINK_GRACE  # shortened, never lengthened
        ParticipantAccess.objects.filter(session_id__in=ids, expires_at__gt=grace).update(expires_at=grace)
        for session in cleared:
            session.status, session.ended_at = SessionStatus.NO_SHOW, now
            record("session.cleared", session, user=by_user, site=seat.site, ticket=session.ticket_number)
        transaction.on_commit(lambda: _after_clearing(seat, cleared))
    return len(cleared)


def _after_clearing(seat, cleared) -> None:
    for session in cleared:
        sessions.forget_accesses(session)
        live.bump(session)
    for other in waiting_walk_ins(seat).only("pk", "seat_id"):  # their place in the queue changed
        live.bump(other)


def position(session: CallSession) -> tuple[int, int]:
    """(place in the queue, expected wait in minutes) for a waiting walk-in ticket."""
    ahead = (
        CallSession.objects.for_day(session.seat, today())
        .filter(is_walk_in=True)
        .filter(
            Q(status=SessionStatus.WAITING, ticket_number__lt=session.ticket_number) | Q(status=SessionStatus.IN_CALL)
        )
    )
    count = ahead.count()
    minutes = session.service.duration_minutes if session.service_id else 15
    return count + 1, count * minutes
