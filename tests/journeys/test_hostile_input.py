"""Issue 16: each 5xx the security review found, as a regression test. Dates at the ends of the calendar,
ids that are no ids, amounts beyond any float: a clear 4xx (or the page with its error), never a 500, and
nothing written."""

import pytest
from django.urls import reverse

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.models import Appointment, InCallAction, Payment
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.fixtures import at

pytestmark = pytest.mark.django_db

EDGE_SLOTS = ["99991231T2359Z", "00010101T0000Z", "99991231T0000Z", "00010101T2359Z"]


@pytest.fixture
def manage_url(counter_page, service, seat):
    result = booking.book_appointment(service, at(9, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    return counter_page.url + f"manage/{result.manage_token}/"


@pytest.mark.parametrize("slot", EDGE_SLOTS)
def test_a_slot_at_the_end_of_the_calendar(client, counter_page, manage_url, slot):
    book = counter_page.url + "book/identiteitskaart/"
    details = {"slot": slot, "channel": "video", "name": "An", "email": "an2@example.be", "language": "nl"}
    assert client.get(book + "details/", {"slot": slot}).status_code in (400, 409)
    assert client.post(book + "details/", details).status_code in (400, 409)
    assert client.post(manage_url + "reschedule/", {"slot": slot}).status_code in (400, 409)
    assert client.get(book, {"from": slot[:8]}).status_code == 200
    assert Appointment.objects.count() == 1


def command(client, seat, session, name, data):
    url = reverse("digitale_balie_session_command", args=[seat.pk, session.pk, name])
    return client.post(url, data, HTTP_ACCEPT="application/json")


@pytest.mark.parametrize(
    "name, data",
    [
        ("revoke", {"access": "abc"}),
        ("revoke", {"access": "0"}),
        ("revoke", {"access": "-1"}),
        ("refund", {"action": "9223372036854775808", "amount": "1", "reason": "x"}),
        ("form-pdf", {"action": "9223372036854775808"}),
        ("code", {"action": "1e3"}),
        ("send-link", {"action": "\x00", "to": "x"}),
        ("withdraw", {"action": ""}),
        ("delete-document", {"document": "99999999999999999999999"}),
    ],
)
def test_console_commands_with_ids_that_are_no_ids(seat, clerk, phone_session, name, data):
    """(A clerk without the refund permission is sent back by Wagtail before the id is read: 302.)"""
    response = command(clerk_client_for_seat(seat, clerk), seat, phone_session, name, data)
    assert response.status_code in (400, 403, 404) or (name == "refund" and response.status_code == 302)


@pytest.mark.parametrize("amount", ["1e30", "1e309", "-1e309", "NaN", "Infinity", "-0", "0,001", "1" * 400])
def test_a_payment_request_with_an_impossible_amount(seat, clerk, phone_session, amount):
    response = command(
        clerk_client_for_seat(seat, clerk),
        seat,
        phone_session,
        "action-request_payment",
        {"amount": amount, "description": "Bewonerskaart"},
    )
    assert response.status_code == 400 and response.json()["messages"][0]["text"]
    assert not InCallAction.objects.exists() and not Payment.objects.exists()
