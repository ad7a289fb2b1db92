"""Cancel a flood of bookings at once, each citizen told as by a single cancellation (issue 16).

Staff choose the flood by what its bookings share (the service, the day, when they were made, the e-mail
domain), see how many it is, and confirm. Every booking is cancelled through ``service.cancel_appointment``
(the seat freed, an audit event with the reason, the usual cancellation notice queued after commit), all in
one transaction: either the whole flood is cancelled or nothing is.

Who may: ``cancel_in_bulk``, over the bookings of the seats their groups work at (``CounterSeat.clerk_groups``),
which also keeps one municipality's staff away from another's; a superuser reaches every seat. This is a
narrow check of its own: ``booking`` may not import the Wagtail layer, where a shared seat scope would live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from digitale_balie_plugin.booking.service import cancel_appointment
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import Appointment, CounterSeat, Service
from digitale_balie_plugin.models.audit import record_about

PERMISSION = "digitale_balie.cancel_in_bulk"


@dataclass(frozen=True)
class Flood:
    """What the bookings to cancel share; ``None`` or ``""`` leaves a criterion out (the service is required)."""

    service: Service
    day: date | None = None
    created_from: datetime | None = None
    created_until: datetime | None = None
    email_domain: str = ""


def seats_of(user) -> QuerySet:
    """The seats whose bookings ``user`` may cancel in bulk: with the permission, the seats whose data they may
    see (every seat with ``view_all_seats``, else the seats they work at — the admin's one rule)."""
    if not (user.is_active and user.has_perm(PERMISSION)):
        return CounterSeat.objects.none()
    return CounterSeat.objects.visible_to(user)


def services_of(user) -> QuerySet:
    """The services a flood can be chosen from: those booked at the user's seats."""
    return Service.objects.filter(seats__in=seats_of(user)).distinct().select_related("site").order_by("name")


def bookings(user, flood: Flood) -> QuerySet:
    """The future, still booked appointments of ``flood`` at the user's seats, oldest booking first."""
    rows = Appointment.objects.booked().filter(
        service=flood.service, seat__in=seats_of(user).values("pk"), start__gt=timezone.now()
    )
    if flood.day:
        first = datetime.combine(flood.day, time.min, tzinfo=app_settings.TIME_ZONE)
        last = datetime.combine(flood.day + timedelta(days=1), time.min, tzinfo=app_settings.TIME_ZONE)
        rows = rows.filter(start__gte=first, start__lt=last)
    if flood.created_from:
        rows = rows.filter(created_at__gte=flood.created_from)
    if flood.created_until:
        rows = rows.filter(created_at__lte=flood.created_until)
    if flood.email_domain:
        rows = rows.filter(email__iendswith="@" + flood.email_domain.lstrip("@"))
    return rows.order_by("created_at", "pk")


def cancel_flood(user, flood: Flood, *, reason: str) -> int:
    """Cancel every booking of ``flood`` in one transaction; returns how many. Each gets its audit event and
    its cancellation notice (queued after commit), one more event records the bulk action itself."""
    with transaction.atomic():
        chosen = list(bookings(user, flood).select_for_update())
        for appointment in chosen:
            cancel_appointment(appointment, by_user=user, reason=reason)
        record_about(
            "appointment.cancelled_in_bulk",
            Appointment._meta.label_lower,
            user=user,
            site=flood.service.site,
            count=len(chosen),
            service=flood.service.pk,
            reason=reason,
        )
    return len(chosen)
