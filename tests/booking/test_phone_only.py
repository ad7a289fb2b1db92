"""A caller without e-mail: the clerk books with a mobile number only, and every message goes by SMS (issue 14).

Real transactions (the messages leave after commit, through the django-q2 task run inline), the demo SMS
provider's outbox as the citizen's phone, and the links in the SMS followed as the citizen would.
"""

import re
from datetime import UTC

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from digitale_balie_plugin.booking import notifications
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import AccessToken, Appointment, CounterSettings, Notification
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/admin/digitale-balie/book/"
SHORT_LINK = re.compile(r"https?://[^/\s]+(/digitale-balie/(manage|join)/([\w-]+)/)")


@pytest.fixture
def desk(client, django_user_model):
    user = django_user_model.objects.create_user("sofie", password="pw")
    group = Group.objects.create(name="Baliemedewerkers")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "book_on_behalf"]))
    user.groups.add(group)
    client.force_login(user)
    return client


def form(service, **overrides):
    data = {
        "service": service.pk,
        "slot": at(8, 10).astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
        "channel": "video",
        "booked_via": "phone",
        "name": "Maria Claes",
        "email": "",
        "phone": "0470 12 34 56",
        "language": "nl",
        "question": "",
    }
    return {**data, **overrides}


def sms_to(number):
    return [message for message in DemoSmsProvider.outbox if message.to == number]


def link_in(message):
    found = SHORT_LINK.search(message.body)
    assert found, message.body
    return found.group(1), found.group(2), found.group(3)


def test_the_clerk_reads_the_number_back_before_booking(desk, service, seat, counter_page):
    first = desk.post(BOOK, form(service))
    assert first.status_code == 200 and not Appointment.objects.exists()
    [read_back] = first.context["form"].errors["number_read_back"]
    assert "+32 470 12 34 56" in read_back  # grouped the way it is said, with the country code
    assert "+32 470 12 34 56" in first.content.decode()

    booked = desk.post(BOOK, form(service, number_read_back="on"), follow=True)
    appointment = Appointment.objects.get()
    assert (appointment.email, appointment.phone) == ("", "+32470123456")
    assert appointment.reached_by_sms
    assert "+32 470 12 34 56" in booked.content.decode()  # the success message says where the SMS went
    assert mail.outbox == []  # nobody to mail

    [confirmation] = sms_to("+32470123456")
    assert "Identiteitskaart aanvragen" in confirmation.body and appointment.reference in confirmation.body
    assert "08/12" in confirmation.body and "10:00" in confirmation.body
    _, route, token = link_in(confirmation)
    assert route == "manage" and len(token) == 22  # 128 bits: short enough for one SMS with its text
    assert AccessToken.objects.filter(appointment=appointment, purpose="manage").count() == 2


def test_wrong_or_missing_numbers_get_clear_errors(desk, service, seat, counter_page):
    for overrides, field, expected in [  # the admin speaks the clerk's language (Dutch here)
        ({"phone": ""}, "phone", "Vul een e-mailadres of een gsm-nummer in."),
        ({"phone": "02 555 00 00", "number_read_back": "on"}, "phone", "Het kan geen sms krijgen."),
        ({"phone": "0470 12 34", "number_read_back": "on"}, "phone", "0470 12 34 56"),  # how a number looks
    ]:
        response = desk.post(BOOK, form(service, **overrides))
        assert response.status_code == 200, overrides
        assert expected in " ".join(response.context["form"].errors[field]), overrides
    CounterSettings.objects.update_or_create(site=service.site, defaults={"sms_enabled": False})
    response = desk.post(BOOK, form(service, number_read_back="on"))
    assert "Deze site stuurt geen sms." in str(response.context["form"].errors["email"])
    assert not Appointment.objects.exists()


def test_from_the_sms_link_to_the_video_call_on_a_phone(desk, client, service, seat, counter_page):
    desk.post(BOOK, form(service, number_read_back="on"))
    [confirmation] = sms_to("+32470123456")
    path, _, _ = link_in(confirmation)
    client.logout()
    phone = client
    manage = phone.get(path, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Mobile")
    html = manage.content.decode()
    assert manage.status_code == 200 and "Naar het videogesprek" in html
    join_url = re.search(r'<form method="post" action="([^"]+)" class="balie-join"', html).group(1)
    joined = phone.post(join_url)
    assert joined.status_code == 302 and "/join/" in joined["Location"]
    room = phone.get(joined["Location"])
    assert room.status_code == 302 and "/room/" in room["Location"]
    assert phone.get(room["Location"]).status_code == 200


def test_reminder_changes_and_cancellation_by_sms(desk, client, service, seat, counter_page, frozen_now):
    desk.post(BOOK, form(service, number_read_back="on"))
    appointment = Appointment.objects.get()

    frozen_now.move_to(at(7, 10, 30))  # the day before, inside the reminder window
    assert notifications.send_reminders(appointment.pk) == [Notification.Channel.SMS]
    reminder = sms_to("+32470123456")[-1]
    path, route, token = link_in(reminder)
    assert route == "join" and len(token) == 22  # a video appointment: straight to the call
    assert client.get(path).status_code == 200 and client.post(path).status_code == 302

    booking.reschedule_appointment(appointment, at(8, 11))
    moved = sms_to("+32470123456")[-1]
    assert "is verplaatst naar 08/12 om 11:00" in moved.body and link_in(moved)[1] == "manage"  # in Dutch

    booking.cancel_appointment(appointment)
    cancelled = sms_to("+32470123456")[-1]
    assert "is geannuleerd" in cancelled.body and not SHORT_LINK.search(cancelled.body)
    kinds = list(Notification.objects.filter(channel="sms").values_list("kind", flat=True).order_by("pk"))
    assert kinds == ["confirmation", "reminder", "rescheduled", "cancelled"]
    assert mail.outbox == []


def test_the_sms_speaks_the_callers_language(desk, service, seat, counter_page):
    desk.post(BOOK, form(service, language="fr", number_read_back="on"))
    [confirmation] = sms_to("+32470123456")
    assert "votre rendez-vous" in confirmation.body.lower(), confirmation.body


def test_with_an_address_the_email_flow_is_unchanged(desk, service, seat, counter_page):
    desk.post(BOOK, form(service, email="maria@example.be"))  # no read-back needed with an address
    appointment = Appointment.objects.get()
    assert not appointment.reached_by_sms and not appointment.email_confirmed
    assert "/confirm-email/" in mail.outbox[0].body
    assert sms_to("+32470123456") == []  # the address may be wrong, but the details wait for the confirmation
