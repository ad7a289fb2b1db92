"""The citizen's journey through plain HTML forms (no JavaScript), with the Django test client."""

import re

import pytest
from django.core import mail

from digitale_balie_plugin.models import Appointment
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def book_url(counter_page, service, seat):
    return counter_page.url + "book/identiteitskaart/"


def slot_key(dt):
    from datetime import UTC

    return dt.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def details(**overrides):
    data = {
        "slot": slot_key(at(8, 10)),
        "channel": "video",
        "name": "An Peeters",
        "email": "an@example.be",
        "phone": "",
        "language": "nl",
        "question": "Mijn kaart is gestolen.",
    }
    data.update(overrides)
    return data


def book(client, url, data):
    """Details, then "check your details", then the booking POST: returns the last response."""
    response = client.post(url + "details/", data)
    if response.status_code != 303:
        return response
    check = client.get(response["Location"])
    key = re.search(r'name="key" value="([^"]+)"', check.content.decode()).group(1)
    return client.post(response["Location"], {"key": key})


def test_counter_page_lists_services_of_its_own_site_only(client, counter_page, service, seat):
    from tests.factories import ServiceFactory

    ServiceFactory(name="Dienst van een andere gemeente")
    response = client.get(counter_page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Identiteitskaart aanvragen" in html and "andere gemeente" not in html
    assert 'href="/digitale-balie/book/identiteitskaart/"' in html


def test_choose_a_time_works_as_a_plain_form(client, book_url):
    html = client.get(book_url).content.decode()
    assert 'type="radio" name="slot"' in html and "<legend>" in html
    assert 'method="get"' in html and "/book/identiteitskaart/details/" in html
    assert "09:00" in html and "11:30" in html


def test_full_booking_then_manage_reschedule_ics_and_cancel(client, book_url, counter_page):
    response = client.get(book_url + "details/", {"slot": slot_key(at(8, 10))})
    assert response.status_code == 200 and "10:00" in response.content.decode()
    response = client.post(book_url + "details/", details())
    assert response.status_code == 303 and response["Location"].endswith("/book/identiteitskaart/check/")
    assert not Appointment.objects.exists()  # not before the citizen checked their details
    check = client.get(response["Location"])
    html = check.content.decode()
    assert "Controleer uw gegevens" in html and "An Peeters" in html and "an@example.be" in html
    assert html.count(">Wijzigen<") == 8
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    response = client.post(book_url + "check/", {"key": key})
    assert response.status_code == 303
    again = client.post(book_url + "check/", {"key": key})  # a reload or a second click: the same booking
    assert again.status_code == 303 and again["Location"] == response["Location"]
    confirmation = client.get(response["Location"])
    assert "Uw afspraak is geboekt" in confirmation.content.decode() or confirmation.status_code == 200
    appointment = Appointment.objects.get()
    assert appointment.question == "Mijn kaart is gestolen."

    manage_url = re.search(r"https?://[^/]+(/digitale-balie/manage/[\w-]+/)", mail.outbox[0].body).group(1)
    assert client.get(manage_url).status_code == 200
    ics = client.get(manage_url + "calendar/")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VCALENDAR" in ics.content

    response = client.post(manage_url + "reschedule/", {"slot": slot_key(at(9, 11))})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(9, 11)

    assert client.get(manage_url + "cancel/").status_code == 200
    assert client.post(manage_url + "cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert "geannuleerd" in client.get(manage_url).content.decode()


def test_field_errors_are_shown_in_the_citizens_language(client, book_url):
    response = client.post(book_url + "details/", details(name="  ", email="geen-adres", phone="12"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vul uw naam in" in html or "Fill in your name" not in html
    assert 'aria-invalid="true"' in html
    html = client.post("/fr" + book_url + "details/", details(email="x")).content.decode()  # the French pages
    assert '<html lang="fr"' in html and "Indiquez une adresse e-mail valable" in html
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_gives_a_friendly_retry(client, book_url):
    from django.test import Client

    assert book(client, book_url, details()).status_code == 303
    other = Client()
    response = other.post(book_url + "details/", details(name="Bo Janssens", email="other@example.be"))
    check_url = response["Location"]
    html = other.get(check_url).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    response = other.post(check_url, {"key": key})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'type="radio" name="slot"' in html and "balie-error" in html  # choose again, right there
    assert Appointment.objects.count() == 1
    # Nothing lost: after choosing another time, the details form is filled in with the earlier answers.
    html = other.get(book_url + "details/", {"slot": slot_key(at(8, 11))}).content.decode()
    assert 'value="Bo Janssens"' in html and 'value="other@example.be"' in html
    assert book(other, book_url, details(slot=slot_key(at(8, 11)), name="Bo Janssens")).status_code == 303
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "manage/short/",
        "manage/" + "A" * 43 + "/",
        "manage/" + "A" * 43 + "/cancel/",
        "join/" + "b" * 43 + "/",
        "confirm-email/" + "c" * 43 + "/",
        "booked/x/",
        "nope/",
    ],
)
def test_bad_links_get_a_404_page_that_explains(client, counter_page, path):
    response = client.get(counter_page.url + path)
    assert response.status_code == 404
    assert "werkt niet" in response.content.decode()


def test_booking_is_rate_limited(client, book_url, settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "BOOKING_RATE_LIMIT": (2, 600)}
    for _ in range(2):
        client.post(book_url + "details/", details(name=""))
    response = client.post(book_url + "details/", details())
    assert response.status_code == 429
    assert not Appointment.objects.exists()


def test_citizen_pages_have_a_strict_csp(client, book_url):
    policy = client.get(book_url)["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy


@pytest.mark.parametrize(
    "query",
    [
        {"slot": "garbage"},
        {"slot": "20261208T1000"},
        {"slot": "99991399T9999Z"},
        {"slot": "\x00"},
        {"from": "2026-99-01"},
        {},
    ],
)
def test_garbage_never_gives_a_500(client, book_url, query):
    assert client.get(book_url + "details/", query).status_code in (200, 400, 409)
    assert client.get(book_url, query).status_code == 200
    assert client.post(book_url + "details/", {**details(), **query}).status_code in (303, 400, 409)
    assert client.post(book_url + "check/", query).status_code in (200, 303, 400, 409)  # no key: shown again
