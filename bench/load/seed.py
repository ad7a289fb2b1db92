"""The crowd of ``bench/load.py``, made inside the profile (``manage.py shell``, its settings): seats with a
clerk each (a logged-in session), and conversations of today with a citizen's room cookie each.

Printed as JSON for the load generator: what each simulated browser holds (cookie names are the HTTPS ones,
``__Host-…``, as the servers see the TLS proxy's requests).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from digitale_balie_plugin.calls.access import SECURE_PREFIX
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import CallSession, CounterSeat, ParticipantAccess


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


def crowd(citizens: int, clerks: int) -> str:
    seat = CounterSeat.objects.canonical().first()
    provider = get_video_provider()
    desks = []
    for index in range(clerks):
        desk, _user, session = clerk_desk(seat.site, index, seat.locale)
        desks.append({"seat": desk.pk, "session": session})
    now = timezone.now()
    people = []
    for index in range(citizens):
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
            "citizens": people,
        }
    )
