"""One install, two municipalities: nothing leaks between Gent and Roeselare."""

import re

import pytest
from django.core import mail

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.models import CounterSettings
from tests.factories import SeatFactory, ServiceFactory, SiteFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def municipalities():
    result = {}
    for name, host in (("Stad Gent", "gent.example"), ("Stad Roeselare", "roeselare.example")):
        site = SiteFactory(hostname=host, site_name=name)
        CounterSettings.objects.create(site=site, municipality_name=name, sender_email=f"balie@{host}")
        service = ServiceFactory(site=site, slug="parkeervergunning", name=f"Parkeervergunning {name}")
        seat = SeatFactory(services_for=service)
        page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
        page.body = [("appointment_booking", {"heading": "Afspraak", "intro": "", "services": []})]
        page.save_revision().publish()
        result[host] = (site, service, seat, page)
    return result


def test_slots_appointments_pages_and_mail_stay_in_their_own_site(client, municipalities):
    gent, roeselare = municipalities["gent.example"], municipalities["roeselare.example"]
    result = booking.book_appointment(gent[1], at(8, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    # Roeselare's same-named service at the same time is untouched.
    assert at(8, 10) in [slot.start for slot in free_slots(roeselare[1])]
    assert at(8, 10) not in [slot.start for slot in free_slots(gent[1])]

    [message] = mail.outbox
    assert "balie@gent.example" in message.from_email and "Stad Gent" in message.body
    assert "http://gent.example/digitale-balie/manage/" in message.body
    assert "roeselare" not in message.body.lower()

    page_html = client.get("/digitale-balie/", HTTP_HOST="roeselare.example").content.decode()
    assert "Parkeervergunning Stad Roeselare" in page_html and "Stad Gent" not in page_html

    token = re.search(r"/manage/([\w-]+)/", message.body).group(1)
    assert client.get(f"/digitale-balie/manage/{token}/", HTTP_HOST="gent.example").status_code == 200
    # A Gent link opened on Roeselare's site explains the link does not work there.
    assert client.get(f"/digitale-balie/manage/{token}/", HTTP_HOST="roeselare.example").status_code == 404
    assert result.appointment.site == gent[0]


def test_seats_of_another_site_never_serve_a_service(municipalities):
    gent, roeselare = municipalities["gent.example"], municipalities["roeselare.example"]
    roeselare[2].services.add(gent[1])  # misconfiguration in the admin
    slots = free_slots(gent[1])
    assert all(slot.seat_ids == (gent[2].pk,) for slot in slots)
