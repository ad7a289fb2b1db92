"""Walk-in digital counter: a virtual ticket during opening hours, without an appointment."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live
from digitale_balie_plugin.booking.opening import open_seats
from digitale_balie_plugin.calls.seats import today
from digitale_balie_plugin.calls.sessions import Joined
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import CallSession, CounterSeat, ParticipantAccess, SessionStatus
from digitale_balie_plugin.models.audit import record


class CounterClosed(CounterError):
    default_message = _("The digital counter is closed now.")


def take_ticket(service, *, name: str, contact: str, language: str = "") -> Joined:
    """Give the citizen the next ticket at the open seat with the shortest queue (``language``: the one they
    use, for what we send them later)."""
    seats = open_seats([service])
    if not seats:
        raise CounterClosed()
    with transaction.atomic():
        seat = _shortest_queue(seats)
        CounterSeat.objects.select_for_update().filter(pk=seat.pk).first()  # one ticket number at a time
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
