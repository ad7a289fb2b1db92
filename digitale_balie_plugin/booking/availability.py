"""Feed the pure slot engine from the database: a fixed number of queries, whatever the volume.

Four queries: seats offering the service, their opening rules, closures, busy appointments.
The engine itself (``slots.compute_slots``) never touches the ORM.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from digitale_balie_plugin.booking.slots import Busy, Slot, WeeklyRule, compute_slots
from digitale_balie_plugin.booking.slots import Closure as ClosureRow
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import Appointment, AvailabilityRule, Closure, CounterSeat, Service


def free_slots(
    service: Service,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    now: datetime | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Free slots of ``service`` between two local dates (inclusive), honouring lead time and horizon."""
    now = now or timezone.now()
    tz = app_settings.TIME_ZONE
    window_start, window_end = _window(now, service, first_day, last_day)
    seat_ids = list(
        CounterSeat.objects.filter(site_id=service.site_id, active=True, services=service).values_list("id", flat=True)
    )
    if not seat_ids:
        return []
    return compute_slots(
        rules=_rules(seat_ids),
        closures=_closures(service.site_id, seat_ids, window_start, window_end),
        busy=_busy(seat_ids, window_start, window_end, exclude_appointment_id),
        seat_ids=seat_ids,
        duration=timedelta(minutes=service.duration_minutes),
        buffer=timedelta(minutes=service.buffer_minutes),
        now=now,
        lead_time=timedelta(hours=service.min_lead_hours),
        horizon=timedelta(days=service.horizon_days),
        tz=tz,
        first_day=first_day,
        last_day=last_day,
    )


def _window(now, service, first_day, last_day) -> tuple[datetime, datetime]:
    """Absolute bounds used to fetch only the closures and bookings that can matter."""
    tz = app_settings.TIME_ZONE
    start = now + timedelta(hours=service.min_lead_hours)
    end = now + timedelta(days=service.horizon_days, hours=service.duration_minutes / 60 + 1)
    if first_day:
        start = max(start, datetime.combine(first_day, time.min, tzinfo=tz) - timedelta(days=1))
    if last_day:
        end = min(end, datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz) + timedelta(days=1))
    return start - timedelta(days=1), end


def _rules(seat_ids) -> list[WeeklyRule]:
    rows = AvailabilityRule.objects.filter(seat_id__in=seat_ids).values_list(
        "seat_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
    )
    return [WeeklyRule(*row) for row in rows]


def _closures(site_id, seat_ids, start, end) -> list[ClosureRow]:
    rows = (
        Closure.objects.filter(site_id=site_id, start__lt=end, end__gt=start)
        .filter(Q(seat__isnull=True) | Q(seat_id__in=seat_ids))
        .values_list("start", "end", "seat_id")
    )
    return [ClosureRow(start=s, end=e, seat_id=seat) for s, e, seat in rows]


def _busy(seat_ids, start, end, exclude_appointment_id) -> list[Busy]:
    rows = Appointment.objects.booked().filter(seat_id__in=seat_ids, start__lt=end, reserved_until__gt=start)
    if exclude_appointment_id:
        rows = rows.exclude(pk=exclude_appointment_id)
    return [Busy(seat, s, e) for seat, s, e in rows.values_list("seat_id", "start", "reserved_until")]


def slot_at(service: Service, start: datetime, *, exclude_appointment_id: int | None = None) -> Slot | None:
    """The free slot starting exactly at ``start``, or ``None`` when it is gone (or never was)."""
    day = timezone.localtime(start, app_settings.TIME_ZONE).date()
    for slot in free_slots(service, first_day=day, last_day=day, exclude_appointment_id=exclude_appointment_id):
        if slot.start == start:
            return slot
    return None


def days_with_slots(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    """Group slots per local day, for the booking page."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.date(), []).append(slot)
    return list(days.items())
