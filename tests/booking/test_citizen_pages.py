"""The booking pages as issue 15 asks: a few days at a time, check-your-answers, an error summary, the clerk
named as a person, a language switcher of links."""

import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digitale_balie_plugin.models import Appointment, CounterSettings, clerk_as_seen
from tests.factories import SeatFactory, ServiceFactory
from tests.fixtures import at
from tests.journeys.test_citizen_journey import details, slot_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def book_url(counter_page, service, seat):
    return counter_page.url + "book/identiteitskaart/"


def days_shown(html):
    return re.findall(r'<fieldset class="balie-day" id="balie-day-([\d-]+)"', html)


def test_three_days_first_then_more_on_request(client, book_url):
    html = client.get(book_url).content.decode()
    assert days_shown(html) == ["2026-12-07", "2026-12-08", "2026-12-09"]
    assert "<h3>Maandag 7 december</h3>" in html
    assert 'href="?from=2026-12-07&amp;days=6#balie-day-2026-12-10">Toon meer dagen</a>' in html
    html = client.get(book_url, {"from": "2026-12-07", "days": "6"}).content.decode()
    assert len(days_shown(html)) == 6 and 'href="?from=2026-12-13&amp;days=6">Latere dagen' in html


@pytest.mark.parametrize("days", ["abc", "0", "-1", "15", "9" * 30, "1.5", ""])
def test_a_bad_number_of_days_gives_the_default(client, book_url, days):
    response = client.get(book_url, {"days": days})
    assert response.status_code == 200 and len(days_shown(response.content.decode())) == 3


def test_showing_more_days_costs_no_more_queries(client, book_url):
    counts = []
    for days in ("1", "14"):
        client.get(book_url, {"days": days})  # warm the page caches
        with CaptureQueriesContext(connection) as queries:
            assert len(days_shown(client.get(book_url, {"days": days}).content.decode())) == int(days)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_showing_more_days_costs_a_fixed_number_of_queries(client, book_url, django_assert_num_queries):
    client.get(book_url)
    with CaptureQueriesContext(connection) as first:
        client.get(book_url, {"days": "2"})
    with django_assert_num_queries(len(first)):
        client.get(book_url, {"days": "12"})


def test_a_day_with_many_times_shows_them_per_part_of_the_day(client, site, counter_page):
    service = ServiceFactory(site=site, slug="afval", duration_minutes=10, buffer_minutes=0)
    SeatFactory(services_for=service, hours=((time(0), time(23, 55)),))
    html = client.get(counter_page.url + "book/afval/").content.decode()
    assert html.count('<details class="balie-day-part"') >= 8
    assert html.count('<details class="balie-day-part" open>') == 1  # only the first part with times is open
    assert "Voormiddag: 24 tijden" in html  # 08:00 … 11:50 on the frozen Monday


def test_check_your_details_before_booking_and_change_links_lead_back_prefilled(client, book_url):
    response = client.post(book_url + "details/", details(phone="0470 12 34 56", sms_consent="on"))
    html = client.get(response["Location"]).content.decode()
    assert "Stap 3 van 3" in html and "+32 470 12 34 56" in html and "Met een herinnering per sms" in html
    change = re.search(r'href="([^"]+)#id_name"', html).group(1).replace("&amp;", "&")
    prefilled = client.get(change).content.decode()
    assert 'value="An Peeters"' in prefilled and "Mijn kaart is gestolen." in prefilled
    times = client.get(re.search(r'href="([^"]+)">Wijzigen<span class="balie-visually-hidden"> de dag', html).group(1))
    assert f'value="{slot_key(at(8, 10))}" id="slot-{slot_key(at(8, 10))}" required checked' in times.content.decode()
    assert not Appointment.objects.exists()


def test_the_check_page_without_details_sends_back_to_choosing_a_time(client, book_url):
    response = client.get(book_url + "check/")
    assert response.status_code == 303 and response["Location"].endswith("/book/identiteitskaart/")
    assert client.post(book_url + "check/", {"key": "whatever"}).status_code == 303
    assert not Appointment.objects.exists()


def test_the_error_summary_links_to_each_field(client, book_url):
    html = client.post(book_url + "details/", details(name="", email="x")).content.decode()
    start = html.index("data-balie-error-summary")
    summary = html[start : html.index("</div>", start)]
    assert "Er is een probleem" in summary
    assert 'href="#id_name">Vul uw naam in.' in summary and 'href="#id_email">' in summary
    assert 'aria-describedby="id_name_error"' in html and "<title>Fout: " in html
    assert html.index("data-balie-error-summary") < html.index("<h1>")


def test_the_clerk_is_named_as_a_person_of_the_city(site, django_user_model):
    CounterSettings.objects.update_or_create(site=site, defaults={"municipality_name": "Stad Demostad"})
    sofie = django_user_model.objects.create_user("baliemedewerker", first_name="Sofie")
    assert clerk_as_seen(sofie, site) == "Sofie, Stad Demostad"
    assert clerk_as_seen(None, site) == "Een medewerker van Stad Demostad"
    CounterSettings.objects.filter(site=site).update(municipality_name="")
    assert clerk_as_seen(sofie, site) == f"Sofie, {site.site_name}"


def test_the_language_switcher_links_to_this_page_in_each_language(client, book_url):
    html = client.get(book_url, {"from": "2026-12-09"}).content.decode()
    nav = html[html.index('<nav class="balie-language"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{book_url}?from=2026-12-09" lang="nl" hreflang="nl" aria-current="true">Nederlands' in nav
    assert f'href="/fr{book_url}?from=2026-12-09" lang="fr" hreflang="fr">Français' in nav
    assert f'href="/en{book_url}?from=2026-12-09" lang="en" hreflang="en">English' in nav
    french = client.get(f"/fr{book_url}").content.decode()
    assert 'lang="fr" hreflang="fr" aria-current="true"' in french and "Afficher plus de jours" in french


def test_the_code_form_has_the_error_summary_too(client, counter_page):
    html = client.post(counter_page.url + "code/", {"code": "ZZZZZZ"}).content.decode()
    assert "Er is een probleem" in html and 'href="#id_code">' in html
    assert 'aria-describedby="id_code_helptext id_code_error"' in html and 'aria-invalid="true"' in html


def test_the_guest_and_receipt_forms_point_at_their_errors():
    from digitale_balie_plugin.calls.forms import GuestForm
    from digitale_balie_plugin.payments.forms import ReceiptForm

    guest, receipt = GuestForm({"name": ""}), ReceiptForm({"email": "x"})
    assert not guest.is_valid() and not receipt.is_valid()
    assert guest.fields["name"].widget.attrs["aria-describedby"] == "id_name_error"
    assert receipt.fields["email"].widget.attrs["aria-describedby"] == "id_email_helptext id_email_error"
