"""Delivery and reading of appointment messages: the "opened" marker on links, the figures, the screens."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.notifications import delivery_summary, mark_opened
from digitale_balie_plugin.models import Appointment, CounterSettings, Notification
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


def book(service, when, email="an@example.be"):
    details = booking.CitizenDetails(name="An Peeters", email=email, question="Nieuwe eID")
    return booking.book_appointment(service, when, details).appointment


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]][-1]


def link(message, route):
    return re.search(rf"https?://[^/\s]+(/digitale-balie/{route}/[\w-]+/\S*)", message.body).group(1)


def confirmation_of(appointment):
    return Notification.objects.get(appointment=appointment, kind="confirmation", channel="email")


def test_links_carry_the_message_id_and_the_first_opening_is_noted(client, service, seat, counter_page, frozen_now):
    appointment = book(service, at(8, 10))
    notification = confirmation_of(appointment)
    message = mail_to("an@example.be")
    manage = link(message, "manage")
    assert manage.endswith(f"/?n={notification.pk}") and link(message, "join").endswith(f"/?n={notification.pk}")
    html = message.alternatives[0][0]
    assert f"?n={notification.pk}" in html and "<img" not in html  # a link, never a tracking pixel
    ics = next(content for name, content, kind in message.attachments if name.endswith(".ics"))
    assert f"n={notification.pk}" in ics.replace("\r\n ", "")  # the calendar's links too (folded lines)
    assert Notification.objects.get(pk=notification.pk).opened_at is None

    assert client.get(manage).status_code == 200
    first = Notification.objects.get(pk=notification.pk).opened_at
    assert first is not None
    frozen_now.shift(timedelta(hours=2))
    assert client.get(manage).status_code == 200
    assert client.get(link(message, "join")).status_code == 200  # the join page, with its button
    assert Notification.objects.get(pk=notification.pk).opened_at == first  # only the first time counts


def test_the_join_link_marks_its_own_message(client, service, seat, counter_page):
    appointment = book(service, at(7, 10))
    join = link(mail_to("an@example.be"), "join")
    assert client.get(join).status_code == 200  # the join page: opening the link is the reading mark
    assert confirmation_of(appointment).opened_at is not None
    response = client.post(join)
    assert response.status_code == 302 and "n=" not in response["Location"]  # the room URL stays clean


def test_another_appointments_or_a_made_up_id_changes_nothing(client, service, seat, counter_page):
    mine = book(service, at(8, 10))
    other = book(service, at(8, 11), email="bert@example.be")
    manage = link(mail_to("an@example.be"), "manage").split("?")[0]
    for marker in [confirmation_of(other).pk, "0", "-1", "abc", "99999999999999999999999", "1e3", ""]:
        assert client.get(manage, {"n": marker}).status_code == 200
    assert not Notification.objects.filter(opened_at__isnull=False).exists()
    # A valid id without a valid token: nothing either, and the usual "unknown link" page.
    assert client.get("/digitale-balie/manage/not-a-token/", {"n": confirmation_of(mine).pk}).status_code == 404
    assert not Notification.objects.filter(opened_at__isnull=False).exists()
    assert mark_opened(str(confirmation_of(other).pk), appointment_id=mine.pk, site=mine.site) is False


def test_a_site_can_turn_the_marker_off(client, site, service, seat, counter_page):
    CounterSettings.objects.update_or_create(site=site, defaults={"mark_opened_links": False})
    appointment = book(service, at(8, 10))
    notification = confirmation_of(appointment)
    message = mail_to("an@example.be")
    assert "?n=" not in message.body and "?n=" not in message.alternatives[0][0]
    manage = link(message, "manage")
    assert client.get(manage, {"n": notification.pk}).status_code == 200
    assert Notification.objects.get(pk=notification.pk).opened_at is None


def test_delivery_summary_counts_in_one_query(service, seat, counter_page, django_assert_num_queries):
    appointment = book(service, at(8, 10))
    Notification.objects.all().delete()
    rows = [
        ("email", "sent", "", True),
        ("email", "sent", "", False),
        ("email", "failed", "", False),
        ("email", "gave_up", "", False),
        ("sms", "sent", "delivered", False),
        ("sms", "sent", "undelivered", False),
        ("sms", "sent", "queued", False),
        ("sms", "gave_up", "", False),
    ]
    Notification.objects.bulk_create(
        Notification(
            appointment=appointment,
            kind="reminder",
            channel=channel,
            status=status,
            delivery_status=delivery,
            dedupe_key=f"test-{number}",
            opened_at=appointment.created_at if opened else None,
        )
        for number, (channel, status, delivery, opened) in enumerate(rows)
    )
    with django_assert_num_queries(1):
        figures = delivery_summary(Notification.objects.all())
    assert figures == {
        "emails_sent": 2,
        "emails_failed": 2,
        "sms_sent": 3,
        "sms_delivered": 1,
        "sms_failed": 2,
        "opened": 1,
    }
    assert delivery_summary(Notification.objects.none()) == dict.fromkeys(figures, 0)
    assert delivery_summary(Notification.objects.filter(channel="sms"))["emails_sent"] == 0


def test_the_appointment_in_the_admin_lists_its_messages(admin_client, client, service, seat, counter_page):
    appointment = book(service, at(8, 10))
    client.get(link(mail_to("an@example.be"), "manage"))
    Notification.objects.create(
        appointment=appointment,
        kind="reminder",
        channel="sms",
        dedupe_key="sms-1",
        status="sent",
        delivery_status="undelivered",
        error="30003",
    )
    page = admin_client.get(f"/admin/digitale_balie/appointment/inspect/{appointment.pk}/").content.decode()
    assert "Berichten over deze afspraak" in page
    assert "Bevestiging van de afspraak" in page and "Niet afgeleverd" in page and "30003" in page
    opened = confirmation_of(appointment).opened_at
    assert opened is not None and Appointment.objects.get(pk=appointment.pk).notifications.count() == 2


def test_the_console_shows_how_the_messages_fared(admin_client, client, service, seat, counter_page):
    book(service, at(7, 10))
    console = reverse("digitale_balie_console", args=[seat.pk])
    assert "E-mail: verstuurd" in admin_client.get(console).content.decode()
    client.get(link(mail_to("an@example.be"), "manage"))
    assert "E-mail: geopend" in admin_client.get(console).content.decode()
