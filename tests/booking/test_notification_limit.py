"""At most ``NOTIFICATIONS_PER_RECIPIENT_PER_DAY`` messages to one address or number a day (issue 16).

Every booking mailed whatever address was typed: a flood of bookings buried its victim in mail. Real
transactions: the messages leave after commit, through the django-q2 task run inline."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from digitale_balie_plugin.booking import notifications
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import CounterSettings, Notification
from digitale_balie_plugin.models.choices import BookedVia
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT_3 = override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "NOTIFICATIONS_PER_RECIPIENT_PER_DAY": 3})


def five_bookings(service, email="victim@example.be", hour=9):
    """Five web bookings on five days for one address (a flood aimed at its owner)."""
    citizen = booking.CitizenDetails(name="Bot", email=email)
    return [booking.book_appointment(service, at(day, hour), citizen).appointment for day in (8, 9, 10, 11, 12)]


@LIMIT_3
def test_one_recipient_gets_at_most_the_limit_a_day_and_staff_see_why(service, seat):
    five_bookings(service)
    five_bookings(service, email="someone.else@example.be", hour=10)
    assert len([m for m in mail.outbox if m.to == ["victim@example.be"]]) == 3
    assert len([m for m in mail.outbox if m.to == ["someone.else@example.be"]]) == 3
    held = Notification.objects.filter(status=Notification.Status.LIMITED)
    assert held.count() == 4
    assert all("NOTIFICATIONS_PER_RECIPIENT_PER_DAY" in n.error for n in held)
    assert str(Notification.Status.LIMITED.label)  # a status with words, on the notification list
    assert "victim" not in Notification.objects.first().recipient_hash  # counted by a keyed hash only


@LIMIT_3
def test_the_count_is_per_24_hours(service, seat, frozen_now):
    for day in (8, 9, 10):
        book_at(service, day)
    frozen_now.shift(timedelta(hours=25))
    book_at(service, 11)
    assert len(mail.outbox) == 4 and not Notification.objects.filter(status=Notification.Status.LIMITED).exists()


def book_at(service, day):
    return booking.book_appointment(service, at(day, 10), booking.CitizenDetails(name="A", email="an@example.be"))


@LIMIT_3
def test_a_cancellation_is_sent_over_the_limit_when_the_citizen_was_told_and_not_counted(service, seat):
    first, *_rest, last = five_bookings(service)
    booking.cancel_appointment(first)  # its confirmation was sent: the citizen must hear it is cancelled
    assert len(mail.outbox) == 4 and mail.outbox[-1].attachments  # the cancellation with its .ics
    booking.cancel_appointment(last)  # held back from the start: the citizen never heard of it, nor of this
    assert len(mail.outbox) == 4
    cancelled = Notification.objects.get(appointment=last, kind=Notification.Kind.CANCELLED)
    assert cancelled.status == Notification.Status.LIMITED and "held back" in cancelled.error


@LIMIT_3
def test_summaries_are_never_held_back(service, seat, phone_session, clerk):
    five_bookings(service, email="an@example.be")
    summary = Notification.objects.create(
        kind=Notification.Kind.SUMMARY,
        channel=Notification.Channel.EMAIL,
        dedupe_key="summary:test",
        session=phone_session,
        recipient_hash=notifications.recipient_hash("an@example.be"),
    )
    assert not notifications.held_back(summary)


@LIMIT_3
def test_sms_count_towards_the_limit_of_their_number(service, seat):
    CounterSettings.objects.update_or_create(site=service.site, defaults={"sms_enabled": True})
    DemoSmsProvider.outbox.clear()
    for day in (8, 9, 10, 11):
        booking.book_appointment(
            service,
            at(day, 9),
            booking.CitizenDetails(name="Bot", phone="+32470123456"),
            booked_via=BookedVia.PHONE,
        )
    assert len([m for m in DemoSmsProvider.outbox if m.to == "+32470123456"]) == 3
    assert Notification.objects.filter(channel="sms", status=Notification.Status.LIMITED).count() == 1
