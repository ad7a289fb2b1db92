"""What the fault tests set up and count inside the profile (run there by ``Profile.script``, with its settings).

The rows are made the way a busy morning leaves them, not through a test-only path: appointments booked days
ago that start within the reminder window, and conversations that ended and hand their case record to the CRM
(``register_case``, which enqueues the delivery like the end of a real call).
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.tasks import async_task

from digitale_balie_plugin.cases.service import register_case
from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import Appointment, CallSession, CaseRecord, CounterSeat, Notification, Service
from digitale_balie_plugin.models.calls import SessionStatus
from digitale_balie_plugin.models.cases import CaseStatus
from digitale_balie_plugin.models.choices import AppointmentStatus, BookedVia

SEAT = "Loket 9"
SERVICE = "afvalkalender"
REMINDER_ADDRESS = "herinnering-{n}@example.org"


def _seat_and_service():
    seat = CounterSeat.objects.canonical().get(name__startswith=SEAT)
    return seat, Service.objects.get(slug=SERVICE, site=seat.site, locale__language_code="nl")


def due_reminders(count: int, spacing_seconds: int = 60) -> str:
    """``count`` video appointments starting in the next hours (one every ``spacing_seconds``, all within the
    reminder window), booked two days ago: all due for a reminder.

    On a seat of their own (a second desk of the same service, not open for booking), so the journeys that
    book on the always-open seat meanwhile still find free times."""
    open_seat, service = _seat_and_service()
    seat, _ = CounterSeat.objects.get_or_create(
        site=open_seat.site,
        name="Loket 10 – herinneringen",
        locale=open_seat.locale,
        defaults={"location": "Achteraan"},
    )
    now = timezone.now()
    appointments = [
        Appointment(
            site=seat.site,
            service=service,
            seat=seat,
            start=now + timedelta(hours=2, seconds=n * spacing_seconds),
            end=now + timedelta(hours=2, minutes=15, seconds=n * spacing_seconds),
            reserved_until=now + timedelta(hours=2, minutes=15, seconds=n * spacing_seconds),
            citizen_name=f"Burger {n}",
            email=REMINDER_ADDRESS.format(n=n),
            email_confirmed=True,
            status=AppointmentStatus.BOOKED,
            booked_via=BookedVia.PHONE,  # booked by clerks: the web's daily ceiling stays for the journeys
        )
        for n in range(count)
    ]
    with transaction.atomic():
        created = Appointment.objects.bulk_create(appointments)
        Appointment.objects.filter(pk__in=[a.pk for a in created]).update(created_at=now - timedelta(days=2))
    return json.dumps([a.pk for a in created])


def ended_conversations(count: int) -> str:
    """``count`` phone conversations that just ended, each registering its case record (delivery enqueued)."""
    seat, service = _seat_and_service()
    now = timezone.now()
    keys = []
    for n in range(count):
        with transaction.atomic():
            session = CallSession.objects.create(
                room_name=get_video_provider().new_room_name(),
                site=seat.site,
                seat=seat,
                service=service,
                channel="phone",
                status=SessionStatus.ENDED,
                citizen_name=f"Beller {n}",
                planned_start=now - timedelta(minutes=20),
                started_at=now - timedelta(minutes=15),
                ended_at=now,
            )
            keys.append(register_case(session).idempotency_key)
    return json.dumps(keys)


def run_sweeps() -> str:
    """What the schedules do every few minutes: the reminder sweep and the case-record sweep, through the broker."""
    async_task("digitale_balie_plugin.tasks.send_due_reminders_task", group="digitale_balie")
    async_task("digitale_balie_plugin.tasks.deliver_due_cases_task", group="digitale_balie")
    return "ok"


def time_passes(minutes: int) -> str:
    """Claims left "being sent" by a killed worker look as old as ``minutes`` (the stale limits are 10 minutes)."""
    earlier = timezone.now() - timedelta(minutes=minutes)
    notifications = Notification.objects.filter(status=Notification.Status.SENDING).update(updated_at=earlier)
    cases = CaseRecord.objects.filter(status=CaseStatus.SENDING).update(claimed_at=earlier)
    return json.dumps({"notifications": notifications, "cases": cases})


def counts(pks: str) -> str:
    """How far the reminders of ``pks`` and all case records got, by status."""
    reminders = Notification.objects.filter(kind=Notification.Kind.REMINDER, appointment_id__in=json.loads(pks))
    return json.dumps(
        {
            "reminders": dict(reminders.values_list("status").annotate(n=Count("pk")).values_list("status", "n")),
            "cases": dict(CaseRecord.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")),
        }
    )


def queue_length() -> int:
    """Tasks waiting in the broker (Redis): none left means the clusters took everything."""
    return get_broker().queue_size()


def seat_id() -> int:
    return _seat_and_service()[0].pk
