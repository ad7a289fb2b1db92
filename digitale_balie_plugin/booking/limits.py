"""Limits on web bookings against spam and slot exhaustion (issue 16).

A review booked 30 times in 12 seconds from 30 client addresses, each booking mailing whatever address was
typed. The rate limiter counts requests per client address, which a flood from many addresses escapes, so these
limits count what the bookings themselves share:

- the contact: an e-mail address or phone number holds at most ``BOOKING_OPEN_PER_CONTACT`` future
  appointments per service and makes at most ``BOOKING_PER_CONTACT_PER_DAY`` web bookings in 24 hours. The
  details form says so on the field, in the citizen's language, with what to do instead;
- the day: one service takes at most ``ANONYMOUS_BOOKING_CEILING`` web bookings on one day (a count, or a
  share of the day's capacity), so a flood cannot take every seat from people who phone or come to the desk.

Bookings a clerk makes on behalf of a citizen are never limited: the clerk is the check. Counting is a plain
query inside the booking's transaction; on PostgreSQL two bookings at the very same moment may both pass the
last free place under a limit (one over), which these limits can afford: they stop floods, not one extra.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.models import Appointment, Service
from digitale_balie_plugin.models.choices import AppointmentStatus, BookedVia

CONTACT_FIELDS = ("email", "phone")

MESSAGES = {
    ("email", "open"): _(
        "You already have an appointment for this with this e-mail address. "
        "Change or cancel it with the link in your e-mail."
    ),
    ("phone", "open"): _(
        "You already have an appointment for this with this phone number. "
        "Change or cancel it with the link we sent you."
    ),
    ("email", "day"): _("You made many bookings today with this e-mail address. Try again tomorrow, or call us."),
    ("phone", "day"): _("You made many bookings today with this phone number. Try again tomorrow, or call us."),
}


class DayFull(CounterError):
    """The service's web bookings of that day reached ``ANONYMOUS_BOOKING_CEILING``."""

    default_message = _("We cannot take more online bookings for this day. Choose another day, or call us.")


def contact_errors(service: Service, *, email: str = "", phone: str = "") -> dict[str, str]:
    """``{field: message}`` for each contact that reached a limit (empty when the booking may go on).

    One query, whatever the number of limits: a conditional count per contact and limit."""
    contacts = {name: value for name, value in (("email", email), ("phone", phone)) if value}
    if not contacts:
        return {}
    counts = _contact_counts(service.canonical(), contacts)
    errors = {}
    for field in contacts:
        if counts[f"{field}_open"] >= app_settings.BOOKING_OPEN_PER_CONTACT:
            errors[field] = str(MESSAGES[field, "open"])
        elif counts[f"{field}_day"] >= app_settings.BOOKING_PER_CONTACT_PER_DAY:
            errors[field] = str(MESSAGES[field, "day"])
    return errors


def _contact_counts(service: Service, contacts: dict[str, str]) -> dict[str, int]:
    now = timezone.now()
    matches = {"email": Q(email__iexact=contacts.get("email")), "phone": Q(phone=contacts.get("phone"))}
    is_open = Q(service=service, status=AppointmentStatus.BOOKED, start__gt=now)
    today = Q(booked_via=BookedVia.WEB, created_at__gte=now - timedelta(days=1))
    counts = {}
    for field in contacts:
        counts[f"{field}_open"] = Count("pk", filter=matches[field] & is_open)
        counts[f"{field}_day"] = Count("pk", filter=matches[field] & today)
    either = Q()
    for field in contacts:
        either |= matches[field]
    return Appointment.objects.filter(either, site_id=service.site_id).aggregate(**counts)


def check_day_ceiling(service: Service, start: datetime) -> None:
    """Raise ``DayFull`` when ``service`` has as many web bookings on ``start``'s day as the ceiling allows."""
    day = timezone.localtime(start, app_settings.TIME_ZONE).date()
    first, last = (datetime.combine(d, time.min, tzinfo=app_settings.TIME_ZONE) for d in (day, day + timedelta(1)))
    booked = Appointment.objects.booked().filter(service=service, start__gte=first, start__lt=last)
    counts = booked.aggregate(web=Count("pk", filter=Q(booked_via=BookedVia.WEB)), all=Count("pk"))
    if counts["web"] >= _ceiling(service, day, counts["all"]):
        raise DayFull()


def _ceiling(service: Service, day, booked: int) -> int:
    """The ceiling as a count; a share is taken of the day's capacity: what is booked plus what is still free."""
    ceiling = app_settings.ANONYMOUS_BOOKING_CEILING
    if isinstance(ceiling, int):
        return ceiling
    free = sum(slot.capacity for slot in free_slots(service, first_day=day, last_day=day))
    return max(1, math.floor(ceiling * (booked + free)))
