"""The crowd of ``bench/load.py``, made inside the profile (``manage.py shell``, its settings): seats with a
clerk each (a logged-in session), and conversations of today with a citizen's room cookie each.

Printed as JSON for the load generator: what each simulated browser holds (cookie names are the HTTPS ones,
``__Host-…``, as the servers see the TLS proxy's requests).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.calls.access import SECURE_PREFIX
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import (
    Appointment,
    AvailabilityRule,
    CallSession,
    CounterSeat,
    ParticipantAccess,
    Service,
)
from digitale_balie_plugin.models.choices import AppointmentStatus


def clerk_desk(site, index: int, locale=None) -> tuple[CounterSeat, User, str]:
    """A seat with a clerk group of its own and one clerk in it, logged in: (seat, clerk, session cookie value)."""
    permissions = Permission.objects.filter(codename__in=["access_admin", "work_at_counter"])
    desk = CounterSeat.objects.create(site=site, name=f"Bench loket {index}", **({"locale": locale} if locale else {}))
    group = Group.objects.create(name=f"Bench clerks {index}")
    group.permissions.set(permissions)
    desk.clerk_groups.add(group)
    user = User.objects.create_user(f"bench-clerk-{index}", password=get_random_string(24))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return desk, user, client.cookies[settings.SESSION_COOKIE_NAME].value


@transaction.atomic  # one commit (PostgreSQL runs with fsync on)
def crowd(citizens: int, clerks: int) -> str:
    seat = CounterSeat.objects.canonical().first()
    provider = get_video_provider()
    desks = []
    for index in range(clerks):
        desk, _user, session = clerk_desk(seat.site, index, seat.locale)
        desks.append({"seat": desk.pk, "session": session})
    now = timezone.now()
    people = []
    for index in range(citizens + 1):
        desk = desks[index % clerks]
        session = CallSession.objects.create(
            site=seat.site,
            seat_id=desk["seat"],
            citizen_name=f"Burger {index}",
            planned_start=now,
            room_name=provider.new_room_name(),
        )
        raw, _access = ParticipantAccess.issue(session, ParticipantAccess.Role.CITIZEN, session.citizen_name)
        people.append(
            {
                "session": session.pk,
                "seat": desk["seat"],
                "cookie": f"{SECURE_PREFIX}balie_room_{session.pk}",
                "token": raw,
            }
        )
    return json.dumps(
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "clerks": desks,
            "citizens": people[:citizens],
            "probe": people[citizens],  # bench/load/crowd.py's probe: one more waiting citizen
        }
    )


RUSH_SERVICE = "bench-stormloop"


@transaction.atomic
def rush_service(places: int, slug: str = RUSH_SERVICE) -> str:
    """A service with exactly ``places`` free times, all on one day, on a seat of its own (15 minutes each, from
    9:00): the first working day from three days on whose times all show (no holiday closes it). Returns its
    booking page's path and the times' keys as JSON."""
    canonical = CounterSeat.objects.canonical().first()
    service = Service.objects.create(
        site=canonical.site,
        locale=canonical.locale,
        name=f"Stormloop (bench, {slug})",
        slug=slug,
        duration_minutes=15,
        buffer_minutes=0,
        offers_video=True,
    )
    desk = CounterSeat.objects.create(site=canonical.site, name=f"Bench loket {slug}", locale=canonical.locale)
    desk.services.add(service)
    opening, closing = time(9), (datetime.combine(date.today(), time(9)) + timedelta(minutes=15 * places)).time()
    day = timezone.localdate() + timedelta(days=3)
    for _ in range(30):
        rule = AvailabilityRule.objects.create(
            seat=desk, weekday=day.weekday(), start_time=opening, end_time=closing, valid_from=day, valid_until=day
        )
        slots = free_slots(service)
        if len(slots) == places:
            return json.dumps({"path": f"/digitale-balie/book/{slug}/", "slots": [s.key for s in slots]})
        rule.delete()
        day += timedelta(days=1)
    raise RuntimeError(f"no day with {places} free times found")


def rush_outcome(slug: str = RUSH_SERVICE) -> str:
    """What the rush left: booked appointments of the rush service, and how many of them share a seat and time
    with another (a double booking; must be 0)."""
    booked = Appointment.objects.filter(service__slug=slug, status=AppointmentStatus.BOOKED)
    overlaps = booked.filter(
        Exists(
            Appointment.objects.filter(
                seat=OuterRef("seat"),
                status=AppointmentStatus.BOOKED,
                start__lt=OuterRef("end"),
                end__gt=OuterRef("start"),
            ).exclude(pk=OuterRef("pk"))
        )
    )
    return json.dumps({"booked": booked.count(), "double_booked": overlaps.count()})
