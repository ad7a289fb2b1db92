"""Is the counter open now, and when does it open next? For walk-in tickets (no appointment)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import AvailabilityRule, Closure, CounterSeat


def _rules(services):
    seats = CounterSeat.objects.filter(active=True, services__in=services).distinct()
    return list(AvailabilityRule.objects.filter(seat__in=seats).select_related("seat"))


def _closed(seat_id: int, site_id: int, moment: datetime) -> bool:
    return Closure.objects.filter(
        Q(seat__isnull=True) | Q(seat_id=seat_id), site_id=site_id, start__lte=moment, end__gt=moment
    ).exists()


def _rule_covers(rule, moment: datetime) -> bool:
    local = timezone.localtime(moment, app_settings.TIME_ZONE)
    day = local.date()
    return (
        rule.weekday == local.weekday()
        and rule.start_time <= local.time() < rule.end_time
        and (rule.valid_from is None or rule.valid_from <= day)
        and (rule.valid_until is None or day <= rule.valid_until)
    )


def open_seats(services, now=None) -> list[CounterSeat]:
    """Seats serving one of ``services`` that are open right now."""
    now = now or timezone.now()
    seats = {rule.seat_id: rule.seat for rule in _rules(services) if _rule_covers(rule, now)}
    return [seat for seat in seats.values() if not _closed(seat.pk, seat.site_id, now)]


def next_opening(services, now=None, days: int = 14) -> datetime | None:
    """The next moment (in the planning zone) one of these services opens, within ``days``."""
    now = now or timezone.now()
    tz = app_settings.TIME_ZONE
    rules = _rules(services)
    for offset in range(days + 1):
        day = timezone.localtime(now, tz).date() + timedelta(days=offset)
        starts = sorted(
            datetime.combine(day, rule.start_time, tzinfo=tz)
            for rule in rules
            if rule.weekday == day.weekday()
            and (rule.valid_from is None or rule.valid_from <= day)
            and (rule.valid_until is None or day <= rule.valid_until)
        )
        for start in starts:
            if start > now and not any(
                _closed(rule.seat_id, rule.seat.site_id, start) for rule in rules if rule.weekday == day.weekday()
            ):
                return start
    return None
