"""Booking spam and slot exhaustion (issue 16): limits per contact and per day, a honeypot, a minimum fill time.

A review booked 30 slots in 12 seconds from 30 client addresses. These tests book through the citizen's pages
(details → check → book), as a script would."""

import re
from datetime import UTC, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from digitale_balie_plugin.booking import drafts, limits
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.forms import BotCheckForm
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.models import Appointment
from digitale_balie_plugin.models.choices import BookedVia
from tests.factories import AppointmentFactory, SeatFactory, ServiceFactory
from tests.fixtures import at
from tests.journeys.test_citizen_journey import book, details, slot_key

pytestmark = pytest.mark.django_db


def limited(**values):
    return override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **values})


def in_dutch(message) -> str:
    """A message as the (Dutch) page shows it, whether or not the catalogue has it yet."""
    with translation.override("nl"):
        return escape(str(message))


@pytest.fixture
def book_url(counter_page, service, seat):
    return counter_page.url + "book/identiteitskaart/"


# --- per e-mail address and phone number ------------------------------------------------------------


@limited(BOOKING_OPEN_PER_CONTACT=1)
def test_the_same_address_booking_twice_gets_a_field_error_that_says_what_to_do(client, book_url):
    assert book(client, book_url, details()).status_code == 303
    response = client.post(book_url + "details/", details(slot=slot_key(at(8, 11)), email="AN@Example.be"))
    assert response.status_code == 400
    assert in_dutch(limits.MESSAGES["email", "open"]) in response.content.decode()
    assert 'href="#id_email"' in response.content.decode()  # in the error summary, linked to the field
    assert Appointment.objects.count() == 1


@limited(BOOKING_OPEN_PER_CONTACT=1)
def test_the_check_page_refuses_too_when_the_address_booked_meanwhile(client, book_url, service):
    response = client.post(book_url + "details/", details())
    AppointmentFactory(service=service, email="an@example.be", start=at(9, 9))  # booked in another tab
    check = client.get(response["Location"])
    assert check.status_code == 400 and in_dutch(limits.MESSAGES["email", "open"]) in check.content.decode()
    assert Appointment.objects.count() == 1


@limited(BOOKING_OPEN_PER_CONTACT=1)
def test_the_same_phone_number_with_another_address_gets_a_field_error(client, book_url, service):
    AppointmentFactory(service=service, email="other@example.be", phone="+32470123456", start=at(9, 9))
    response = client.post(book_url + "details/", details(phone="0470 12 34 56"))
    assert response.status_code == 400 and in_dutch(limits.MESSAGES["phone", "open"]) in response.content.decode()


@limited(BOOKING_OPEN_PER_CONTACT=1)
def test_a_past_or_cancelled_appointment_or_another_service_does_not_count(client, book_url, service, site):
    AppointmentFactory(service=service, email="an@example.be", start=timezone.now() - timedelta(days=1))
    AppointmentFactory(service=service, email="an@example.be", start=at(9, 9), cancelled=True)
    other = ServiceFactory(site=site)
    SeatFactory(services_for=other)
    AppointmentFactory(service=other, email="an@example.be", start=at(9, 9))
    assert book(client, book_url, details()).status_code == 303


@limited(BOOKING_OPEN_PER_CONTACT=5, BOOKING_PER_CONTACT_PER_DAY=2)
def test_booking_and_cancelling_in_a_loop_stops_at_the_daily_limit(client, book_url, service):
    for hour in (9, 10):
        AppointmentFactory(service=service, email="an@example.be", start=at(9, hour), cancelled=True)
    response = client.post(book_url + "details/", details())
    assert response.status_code == 400 and in_dutch(limits.MESSAGES["email", "day"]) in response.content.decode()


DEFAULTS = override_settings(
    DIGITALE_BALIE={
        name: value
        for name, value in settings.DIGITALE_BALIE.items()
        if name not in ("BOOKING_OPEN_PER_CONTACT", "BOOKING_PER_CONTACT_PER_DAY")
    }
)


@DEFAULTS
def test_the_default_limits_let_a_parent_book_for_a_child_too(client, book_url):
    assert book(client, book_url, details()).status_code == 303
    assert book(client, book_url, details(slot=slot_key(at(8, 11)), name="Lien Peeters")).status_code == 303
    assert client.post(book_url + "details/", details(slot=slot_key(at(9, 10)))).status_code == 400


@limited(BOOKING_OPEN_PER_CONTACT=1)
def test_a_clerk_booking_on_behalf_is_not_limited(client, service, seat, django_user_model):
    user = django_user_model.objects.create_user("sofie", password="pw")
    group = Group.objects.create(name="Baliemedewerkers")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "book_on_behalf"]))
    user.groups.add(group)
    client.force_login(user)
    for hour in (10, 11):
        data = {
            "service": service.pk,
            "slot": at(8, hour).astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
            "channel": "video",
            "booked_via": "phone",
            "name": "Maria Claes",
            "email": "maria@example.be",
            "phone": "",
            "language": "nl",
        }
        assert client.post("/admin/digitale-balie/book/", data).status_code == 302
    assert Appointment.objects.filter(email="maria@example.be").count() == 2


# --- a ceiling per service and day --------------------------------------------------------------------


@pytest.fixture
def busy_service(site, counter_page):
    """10 minutes, no buffer, two seats open 9–12: 36 times on Tuesday 8 December."""
    service = ServiceFactory(site=site, slug="afval", duration_minutes=10, buffer_minutes=0)
    for _seat in range(2):
        SeatFactory(services_for=service, hours=((time(9), time(12)),))
    return service


def flood(client, counter_page, service, count):
    """``count`` bookings from as many addresses, each on a free time of Tuesday; returns the last response."""
    url = counter_page.url + f"book/{service.slug}/"
    responses = []
    for n in range(count):
        start = at(8, 9) + timedelta(minutes=10 * (n // 2))
        responses.append(book(client, url, details(slot=slot_key(start), email=f"bot{n}@spam.example")))
    return responses


@limited(ANONYMOUS_BOOKING_CEILING=20)
def test_thirty_addresses_booking_one_service_and_day_stop_at_the_ceiling(client, counter_page, busy_service):
    responses = flood(client, counter_page, busy_service, 30)
    assert [r.status_code for r in responses] == [303] * 20 + [409] * 10
    assert in_dutch(limits.DayFull.default_message) in responses[-1].content.decode()
    assert Appointment.objects.filter(service=busy_service).count() == 20
    # People who phone can still be booked by a clerk on that day, and the citizen can take another day.
    clerk_booking = booking.CitizenDetails(name="Maria", email="maria@example.be")
    booking.book_appointment(busy_service, at(8, 11, 50), clerk_booking, booked_via=BookedVia.PHONE)
    assert book(client, counter_page.url + "book/afval/", details(slot=slot_key(at(9, 9)))).status_code == 303


@limited(ANONYMOUS_BOOKING_CEILING=2)
def test_a_full_day_is_said_when_the_time_is_chosen_and_cancelling_frees_it(client, counter_page, busy_service):
    flood(client, counter_page, busy_service, 2)
    url = counter_page.url + "book/afval/details/"
    response = client.get(url, {"slot": slot_key(at(8, 11))})
    assert response.status_code == 409 and in_dutch(limits.DayFull.default_message) in response.content.decode()
    booking.cancel_appointment(Appointment.objects.filter(service=busy_service).first())
    assert client.get(url, {"slot": slot_key(at(8, 11))}).status_code == 200


@limited(ANONYMOUS_BOOKING_CEILING=0.5)
def test_the_ceiling_as_a_share_of_the_days_capacity(busy_service):
    booked = 0
    for n in range(36):
        start = at(8, 9) + timedelta(minutes=10 * (n // 2))
        try:
            booking.book_appointment(busy_service, start, booking.CitizenDetails(name="X", email=f"x{n}@spam.example"))
        except limits.DayFull:
            continue
        booked += 1
    assert booked == 18  # half of the 36 places of that day


@pytest.mark.parametrize("value", [0, -1, 1.5, 0.0, "10"])
def test_a_wrong_ceiling_is_a_configuration_error_naming_the_setting(value):
    with limited(ANONYMOUS_BOOKING_CEILING=value), pytest.raises(ConfigurationError, match="ANONYMOUS_BOOKING_CEILING"):
        assert app_settings.ANONYMOUS_BOOKING_CEILING is None  # never reached: reading it raises


# --- a honeypot and a minimum fill time ---------------------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, book_url):
    html = client.get(book_url + "details/", {"slot": slot_key(at(8, 10))}).content.decode()
    trap = re.search(r'<div class="balie-trap" aria-hidden="true">(.*?)</div>', html, re.S).group(1)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert '<label for="id_website">' in trap
    assert 'type="hidden" name="started"' in html


def test_a_filled_honeypot_books_nothing_and_shows_the_form_again(client, book_url):
    response = client.post(book_url + "details/", details(website="https://cheap.example"))
    assert response.status_code == 200 and drafts.SESSION_KEY not in client.session
    html = response.content.decode()
    assert 'role="status"' in html and "cheap.example" not in html  # a calm notice, the trap emptied
    assert 'value="An Peeters"' in html  # the answers stay
    assert not Appointment.objects.exists()


@limited(BOOKING_MIN_FILL_SECONDS=3)
def test_a_form_sent_within_a_second_books_nothing_and_a_person_sends_it_again(client, book_url, frozen_now):
    html = client.get(book_url + "details/", {"slot": slot_key(at(8, 10))}).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    frozen_now.shift(1)
    response = client.post(book_url + "details/", details(started=started))
    assert response.status_code == 200 and drafts.SESSION_KEY not in client.session
    again = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    assert again == started  # the time it was first shown is kept: sending again a moment later passes
    frozen_now.shift(3)
    assert book(client, book_url, details(started=again)).status_code == 303
    assert Appointment.objects.count() == 1


@limited(BOOKING_MIN_FILL_SECONDS=3)
@pytest.mark.parametrize("started", ["", "1700000000", "1700000000:forged", None])
def test_a_missing_or_forged_start_time_books_nothing(client, book_url, frozen_now, started):
    data = details() if started is None else details(started=started)
    response = client.post(book_url + "details/", data)
    assert response.status_code == 200 and drafts.SESSION_KEY not in client.session
    fresh = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    frozen_now.shift(5)
    assert client.post(book_url + "details/", details(started=fresh)).status_code == 303


@limited(BOOKING_MIN_FILL_SECONDS=3)
def test_a_test_can_make_a_valid_start_time(client, book_url):
    started = BotCheckForm.sign(timezone.now().timestamp() - 10)
    assert client.post(book_url + "details/", details(started=started)).status_code == 303
