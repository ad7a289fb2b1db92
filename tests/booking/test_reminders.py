"""Reminders 24 h before: e-mail and/or SMS, through the scheduled sweep, never twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django_q.models import Schedule

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import CounterSettings, Notification
from digitale_balie_plugin.models.choices import BookedVia
from digitale_balie_plugin.tasks import send_due_reminders_task
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


def book(service, when, **citizen):
    details = {"name": "An", "email": "an@example.be", "phone": "0470 12 34 56", "sms_consent": True, **citizen}
    return booking.book_appointment(service, when, booking.CitizenDetails(**details)).appointment


def test_the_reminder_job_is_scheduled_by_a_migration(db):
    """Transactional tests flush what migrations wrote, so run the migration's function again (twice)."""
    from importlib import import_module

    from django.apps import apps

    for name in ("0003_schedules",):
        for operation in import_module(f"digitale_balie_plugin.migrations.{name}").Migration.operations:
            operation.code(apps, None)
            operation.code(apps, None)  # idempotent
    schedule = Schedule.objects.get(name="digitale_balie.send_due_reminders")
    assert schedule.func == "digitale_balie_plugin.tasks.send_due_reminders_task" and schedule.repeats == -1
    assert schedule.schedule_type == "I" and schedule.minutes == 5
    tasks = import_module("digitale_balie_plugin.tasks")
    for schedule in Schedule.objects.filter(name__startswith="digitale_balie."):
        assert callable(getattr(tasks, schedule.func.rsplit(".", 1)[1])), schedule.func  # each names a real task
    assert Schedule.objects.get(name="digitale_balie.apply_retention").schedule_type == "D"
    assert not Schedule.objects.filter(name__startswith="digitale_balie.purge_").exists()  # replaced by one job


def test_reminder_is_sent_once_by_mail_and_sms(service, seat, counter_page, frozen_now):
    appointment = book(service, at(10, 10))
    mail.outbox.clear()
    assert send_due_reminders_task() == 0  # more than 24 h away
    frozen_now.move_to(at(9, 10, 30))
    assert send_due_reminders_task() == 1  # one task for the appointment: its e-mail and its SMS
    assert send_due_reminders_task() == 0  # a rerun sends nothing twice
    [message] = mail.outbox
    assert "morgen" in message.subject and message.to == ["an@example.be"]
    [sms] = DemoSmsProvider.outbox
    assert sms.to == "+32470123456" and appointment.reference in sms.body
    notification = Notification.objects.get(kind="reminder", channel="sms")
    assert notification.provider == "demo" and notification.provider_message_id.startswith("demo-")


def test_no_sms_without_consent_or_when_the_site_turned_it_off(service, seat, counter_page, frozen_now, site):
    book(service, at(10, 10), sms_consent=False)
    frozen_now.move_to(at(9, 10, 30))
    assert send_due_reminders_task() == 1 and not DemoSmsProvider.outbox
    CounterSettings.objects.update_or_create(site=site, defaults={"sms_enabled": False})
    book(service, at(10, 11))
    frozen_now.move_to(at(9, 11, 30))
    send_due_reminders_task()
    assert not DemoSmsProvider.outbox


def test_unconfirmed_address_gets_the_reminder_by_sms_only(service, seat, counter_page, frozen_now):
    booking.book_appointment(
        service,
        at(10, 10),
        booking.CitizenDetails(name="An", email="typo@example.be", phone="0470123456"),
        booked_via=BookedVia.PHONE,
        channel="phone",
    )
    mail.outbox.clear()
    frozen_now.move_to(at(9, 10, 30))
    assert send_due_reminders_task() == 1
    assert not mail.outbox and len(DemoSmsProvider.outbox) == 1


def test_appointments_booked_within_the_window_get_no_reminder(service, seat, counter_page, frozen_now):
    frozen_now.move_to(at(9, 12))
    book(service, at(10, 9, 30))
    mail.outbox.clear()
    assert send_due_reminders_task() == 0


def test_a_moved_appointment_is_reminded_again_for_its_new_time(service, seat, counter_page, frozen_now):
    appointment = book(service, at(10, 10), sms_consent=False)
    frozen_now.move_to(at(9, 10, 30))
    send_due_reminders_task()
    booking.reschedule_appointment(appointment, at(10, 11))
    frozen_now.shift(timedelta(hours=1))
    assert send_due_reminders_task() == 1


def test_a_failing_mail_server_is_retried_then_given_up(service, seat, counter_page, frozen_now, settings):
    book(service, at(10, 10), sms_consent=False)
    settings.EMAIL_BACKEND = "tests.booking.test_reminders.BrokenBackend"
    frozen_now.move_to(at(9, 10, 30))
    for _ in range(5):
        send_due_reminders_task()
    notification = Notification.objects.get(kind="reminder")
    assert notification.status == Notification.Status.GAVE_UP and notification.attempts == 3
    assert "connection refused" in notification.error


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


def test_a_claim_a_killed_worker_left_is_sent_again_with_the_same_message_id(service, seat, counter_page, frozen_now):
    """SIGKILL between the claim and the outcome leaves "being sent": handed back after the stale time, sent
    once more with the Message-ID the first try carried, so a copy that did leave shows as one message."""
    from digitale_balie_plugin.booking import notifications

    appointment = book(service, at(10, 10), sms_consent=False)
    mail.outbox.clear()
    frozen_now.move_to(at(9, 10, 30))
    claimed = notifications.claim(appointment, "reminder", "email", appointment.email)  # ... and the worker died
    assert send_due_reminders_task() == 0 and not mail.outbox  # a recent claim may still be on its way
    frozen_now.shift(timedelta(minutes=11))
    assert send_due_reminders_task() == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == notifications.message_id(claimed, message.from_email)
    domain = message.from_email.rpartition("@")[2].strip(">")
    assert message.extra_headers["Message-ID"].endswith(f".balie@{domain}>")  # the sender's, not a host name
    notification = Notification.objects.get(kind="reminder")
    assert notification.status == Notification.Status.SENT and notification.attempts == 2
    frozen_now.shift(timedelta(minutes=11))
    assert send_due_reminders_task() == 0 and len(mail.outbox) == 1


def test_every_appointment_message_has_a_message_id_that_is_stable_and_says_nothing(service, seat, counter_page):
    from digitale_balie_plugin.booking import notifications

    appointment = book(service, at(10, 10))
    [message] = mail.outbox
    notification = Notification.objects.get(appointment=appointment, channel="email")
    header = message.extra_headers["Message-ID"]
    assert header == notifications.message_id(notification, message.from_email)
    assert appointment.email not in header and appointment.reference not in header
    assert header.startswith("<") and header.endswith(">")
