"""Issue 16: each 5xx the security review found, as a regression test. Dates at the ends of the calendar,
ids that are no ids, amounts beyond any float: a clear 4xx (or the page with its error), never a 500, and
nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.models import (
    AccessToken,
    Appointment,
    AuditEvent,
    InCallAction,
    ParticipantAccess,
    Payment,
)
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import make_pdf
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


# --- found by the generated-input test (test_no_500.py) ----------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_document_to_sign_is_read_with_get_only(
    client, counter_page, phone_session, clerk, method, settings, tmp_path
):
    """Any method was served the document, and wrote a "document opened" audit event, to the browser that took
    the request: only GET and HEAD read it."""
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path)}
    document = documents.upload(phone_session, SimpleUploadedFile("a.pdf", make_pdf()), source="clerk", user=clerk)
    signature = create_action(phone_session, "request_signature", {"document": document}, by_user=clerk)
    assert client.post(counter_page.url + "code/", {"code": handover.issue_code(signature)}).status_code == 302
    url = reverse("digitale_balie:signature_document", args=[signature.pk])
    events = AuditEvent.objects.count()
    assert getattr(client, method)(url).status_code == 405
    assert AuditEvent.objects.count() == events
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_join_or_guest_link_is_not_used_by_other_methods(client, counter_page, service, seat, method):
    """A PUT, PATCH or DELETE to a join or guest link let a browser into the conversation, like opening it."""
    appointment = booking.book_appointment(
        service, at(9, 10), booking.CitizenDetails(name="An", email="an@example.be")
    ).appointment
    session = sessions.session_for_appointment(appointment)
    links = [
        f"join/{appointment.issue_token(AccessToken.Purpose.JOIN)}/",
        f"guest/{sessions.invite_guest(session, 'Tolk')}/",
    ]
    accesses = ParticipantAccess.objects.count()
    for link in links:
        assert getattr(client, method)(counter_page.url + link).status_code == 405
    assert ParticipantAccess.objects.count() == accesses


@pytest.mark.parametrize("form_page", ["9223372036854775808", "-9223372036854775809", "9" * 400])
def test_a_form_to_send_that_is_no_page(seat, clerk, phone_session, form_page):
    """The form page's key is a link to ``Page``: a number beyond 64 bits reached the database driver (500)."""
    data = {"form_page": form_page}
    response = command(clerk_client_for_seat(seat, clerk), seat, phone_session, "action-send_form", data)
    assert response.status_code == 400 and response.json()["messages"][0]["text"]
    assert not InCallAction.objects.exists()


@pytest.mark.parametrize("trap", ["\x00", "x\x00y"])
def test_a_nul_byte_in_the_booking_forms_trap_field(client, counter_page, service, seat, trap):
    """Found by the generated-input guard after the honeypot came: a NUL byte is a field error of the trap, not
    the form-wide notice the view read (IndexError, 500). Now: the details again, calmly, and nothing booked."""
    details = {"slot": "20261207T0900Z", "channel": "video", "name": "An", "email": "an@example.be", "website": trap}
    response = client.post(counter_page.url + "book/identiteitskaart/details/", details)
    assert response.status_code == 200 and not Appointment.objects.exists()


def test_a_nul_byte_reaches_no_query(client, site, service, django_user_model):
    """Found by the generated-input guard's PostgreSQL pass: PostgreSQL refuses a NUL byte in a query (a 500),
    SQLite does not. The translation screen's language and the demo webhook's id are now matched against what
    exists (the locales in hand; the id's own pattern) before any query."""
    admin = django_user_model.objects.create_superuser("root", "root@example.be", "pw")
    client.force_login(admin)
    url = reverse("digitale_balie_translate", args=["service", service.pk])
    assert client.post(url, {"language": "\x00"}).status_code == 404
    assert client.post(url, {"language": "fr\x00"}).status_code == 404
    webhook = reverse("digitale_balie:payment_webhook", args=["demo"])
    for payment_id in ("demo_\x00", "demo_abc\x00", "demo_" + "a" * 80):
        assert client.post(webhook, {"id": payment_id}).status_code < 500
