"""Issue 16: a page with one person's data, or a token in its address, is kept by no browser or proxy."""

import pytest

from digitale_balie_plugin.booking import service as booking
from tests.fixtures import at

pytestmark = pytest.mark.django_db


def test_personal_pages_are_not_stored_and_the_counter_page_may_be(client, counter_page, service, seat):
    booked = booking.book_appointment(service, at(9, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    manage = counter_page.url + f"manage/{booked.manage_token}/"
    for url in (manage, manage + "reschedule/", manage + "cancel/", counter_page.url + "book/identiteitskaart/"):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
    index = client.get(counter_page.url)
    assert index.status_code == 200 and "no-store" not in index.get("Cache-Control", "")
