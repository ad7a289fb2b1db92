"""Every citizen and clerk URL of the video counter, requested by everyone: only the right person gets in."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.models import CallSession, InCallAction
from tests.factories import SeatFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


def clerk_of(seat, username, django_user_model):
    group = Group.objects.create(name=f"clerks-{username}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    seat.clerk_groups.add(group)
    user = django_user_model.objects.create_user(username, password="pw")
    user.groups.add(group)
    return user


def citizen_with_room(appointment):
    client = Client()
    body = next(m.body for m in mail.outbox if m.to == [appointment.email])
    client.post(re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", body).group(1))
    return client


@pytest.fixture
def world(service, seat, counter_page, django_user_model):
    other_seat = SeatFactory(services_for=service)
    mine = booking.book_appointment(service, at(7, 10), booking.CitizenDetails(name="A", email="a@example.be"))
    theirs = booking.book_appointment(service, at(7, 11), booking.CitizenDetails(name="B", email="b@example.be"))
    right_citizen, other_citizen = citizen_with_room(mine.appointment), citizen_with_room(theirs.appointment)
    session = CallSession.objects.get(appointment=mine.appointment)
    right_clerk = clerk_of(seat if session.seat_id == seat.pk else other_seat, "right", django_user_model)
    other_clerk = clerk_of(other_seat if session.seat_id == seat.pk else seat, "other", django_user_model)
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    action = InCallAction.objects.create(
        session=session, kind="share_message", payload={"text": "x"}, expires_at=mine.appointment.end, status="sent"
    )
    return {
        "session": session,
        "action": action,
        "page": counter_page,
        "right_citizen": right_citizen,
        "other_citizen": other_citizen,
        "right_clerk": right_clerk,
        "other_clerk": other_clerk,
        "editor": editor,
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_only_the_right_person_gets_in(world):
    session, action = world["session"], world["action"]
    citizen_urls = [
        ("get", world["page"].url + f"room/{session.pk}/"),
        ("get", reverse("digitale_balie:room_state", args=[session.pk])),
        ("post", reverse("digitale_balie:room_heartbeat", args=[session.pk])),
        ("post", reverse("digitale_balie:room_action", args=[session.pk, action.pk])),
    ]
    clerk_urls = [
        ("get", reverse("digitale_balie_console", args=[session.seat_id])),
        ("get", reverse("digitale_balie:seat_state", args=[session.seat_id])),
        ("post", reverse("digitale_balie_session_command", args=[session.seat_id, session.pk, "message"])),
        ("post", reverse("digitale_balie_open_contact", args=[session.seat_id])),
    ]
    strangers = {
        "anonymous": Client(),
        "other citizen": world["other_citizen"],
        "clerk of another seat": logged_in(world["other_clerk"]),
        "editor": logged_in(world["editor"]),
    }
    for who, client in strangers.items():
        for method, url in citizen_urls + clerk_urls:
            status = getattr(client, method)(url, {"text": "hallo"}).status_code
            assert status in (302, 403, 404), f"{who} got {status} on {method} {url}"
            if status == 302:  # only the admin's login redirect is acceptable
                assert "/login/" in getattr(client, method)(url)["Location"], f"{who}: {url}"

    for method, url in citizen_urls:
        assert getattr(world["right_citizen"], method)(url).status_code in (200, 204), url
    clerk = logged_in(world["right_clerk"])
    for method, url in clerk_urls:
        assert getattr(clerk, method)(url, {"text": "hallo", "channel": "phone"}).status_code in (200, 302), url


def test_only_the_right_person_gets_a_verification(world, django_user_model):
    """The consent and result pages, and the clerk's hand-over commands, for a verification request."""
    from digitale_balie_plugin.actions.service import create_action
    from digitale_balie_plugin.calls import sessions

    session = world["session"]
    verification = create_action(session, "verify_identity", {}, by_user=world["right_clerk"])
    guest_link = sessions.invite_guest(session, "Tolk")
    guest = Client()
    guest.get(world["page"].url + f"guest/{guest_link}/")
    citizen_urls = [
        ("get", world["page"].url + f"verify/{verification.pk}/"),
        ("get", world["page"].url + f"verify/{verification.pk}/result/"),
    ]
    clerk_urls = [
        ("post", reverse("digitale_balie_session_command", args=[session.seat_id, session.pk, name]))
        for name in ("code", "send-link", "withdraw")
    ]
    strangers = {
        "anonymous": Client(),
        "other citizen": world["other_citizen"],
        "guest of the conversation": guest,  # an interpreter must not prove the citizen's identity
        "clerk of another seat": logged_in(world["other_clerk"]),
        "editor": logged_in(world["editor"]),
    }
    for who, client in strangers.items():
        for method, url in citizen_urls + clerk_urls:
            response = getattr(client, method)(url, {"action": verification.pk, "to": "x@example.be"})
            assert response.status_code in (302, 403, 404), f"{who} got {response.status_code} on {url}"
            if response.status_code == 302:
                assert "/login/" in response["Location"], f"{who}: {url}"
    for method, url in citizen_urls:
        assert getattr(world["right_citizen"], method)(url).status_code == 200, url
    clerk = logged_in(world["right_clerk"])
    for _method, url in clerk_urls:
        assert clerk.post(url, {"action": verification.pk, "to": "a@example.be"}).status_code == 302, url


def test_only_the_right_person_gets_a_payment(world):
    """The pay, result and status pages, the clerk's payment commands, refunds and the finance report."""
    from decimal import Decimal

    from digitale_balie_plugin.actions.service import create_action
    from digitale_balie_plugin.calls import sessions
    from digitale_balie_plugin.models import Payment

    session, page = world["session"], world["page"]
    action = create_action(
        session, "request_payment", {"amount": Decimal("12.50"), "description": "Attest"}, by_user=world["right_clerk"]
    )
    guest_link = sessions.invite_guest(session, "Tolk")
    guest = Client()
    guest.get(page.url + f"guest/{guest_link}/")
    # The citizen takes the request from the call page and pays at the demo checkout.
    citizen = world["right_citizen"]
    checkout = citizen.post(page.url + f"pay/{action.pk}/", {})["Location"]
    citizen.post(checkout, {"outcome": "paid", "method": "kbc"})
    assert Payment.objects.get().is_paid

    citizen_urls = [
        ("get", page.url + f"pay/{action.pk}/"),
        ("post", page.url + f"pay/{action.pk}/"),
        ("get", page.url + f"pay/{action.pk}/result/"),
        ("get", page.url + f"pay/{action.pk}/status/"),
    ]
    clerk_urls = [
        ("post", reverse("digitale_balie_session_command", args=[session.seat_id, session.pk, name]))
        for name in ("refund", "action-request_payment", "code", "send-link", "withdraw")
    ]
    finance = [
        ("get", reverse("digitale_balie_finance_report")),
        ("get", reverse("digitale_balie_finance_report") + "?export=csv"),
    ]
    strangers = {
        "anonymous": Client(),
        "other citizen": world["other_citizen"],
        "guest of the conversation": guest,  # an interpreter must not pay in the citizen's place
        "clerk of another seat": logged_in(world["other_clerk"]),
        "editor": logged_in(world["editor"]),
    }
    data = {"action": action.pk, "amount": "1,00", "reason": "x", "description": "y", "to": "x@example.be"}
    for who, client in strangers.items():
        for method, url in citizen_urls + clerk_urls + finance:
            response = getattr(client, method)(url, data)
            assert response.status_code in (302, 403, 404), f"{who} got {response.status_code} on {method} {url}"
            if response.status_code == 302:  # the admin's login page, the dashboard (permission), or "link not valid"
                location = response["Location"]
                assert "/login/" in location or location.rstrip("/").endswith("/admin"), f"{who}: {url} → {location}"
        assert b"12,50" not in client.get(page.url + f"pay/{action.pk}/result/").content
    payment = Payment.objects.get()
    assert payment.amount_refunded == 0 and Payment.objects.count() == 1

    for method, url in citizen_urls:
        response = getattr(citizen, method)(url)
        assert response.status_code in (200, 302), url  # a paid request sends the citizen to its result
    clerk = logged_in(world["right_clerk"])
    world["right_clerk"].user_permissions.add(
        *Permission.objects.filter(codename__in=["refund_payment", "view_finance_report"])
    )
    assert clerk.post(clerk_urls[0][1], data, HTTP_ACCEPT="application/json").status_code == 200
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("1.00")
    for _method, url in finance:
        assert clerk.get(url).status_code == 200, url


def test_only_the_right_person_gets_documents_forms_and_signatures(world, tmp_path, settings):
    """Document download/upload, the exchange page, the form page, the sign page and its document, and the
    clerk's document and form commands."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from digitale_balie_plugin.actions.service import create_action
    from digitale_balie_plugin.cms.models import ApplicationFormPage
    from digitale_balie_plugin.documents import service as documents
    from digitale_balie_plugin.models import Document
    from tests.factories import make_pdf

    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path)}
    session, page = world["session"], world["page"]
    buffer = io.BytesIO(make_pdf())
    document = documents.upload(session, SimpleUploadedFile("a.pdf", buffer.getvalue()), source="citizen")
    form_page = page.get_parent().add_child(instance=ApplicationFormPage(title="Formulier", slug="formulier"))
    form_page.form_fields.create(label="Naam", field_type="singleline", required=True)
    clerk = world["right_clerk"]
    exchange = create_action(session, "exchange_documents", {}, by_user=clerk)
    form = create_action(session, "send_form", {"form_page": form_page}, by_user=clerk)
    signature = create_action(session, "request_signature", {"document": document}, by_user=clerk)
    citizen_urls = [
        ("get", reverse("digitale_balie:document_download", args=[document.pk])),
        ("post", reverse("digitale_balie:document_upload", args=[session.pk])),
        ("get", page.url + f"documents/{exchange.pk}/"),
        ("get", page.url + f"form/{form.pk}/"),
        ("post", page.url + f"form/{form.pk}/"),
        ("get", page.url + f"sign/{signature.pk}/"),
        ("post", page.url + f"sign/{signature.pk}/"),
        ("get", reverse("digitale_balie:signature_document", args=[signature.pk])),
    ]
    clerk_urls = [
        ("post", reverse("digitale_balie_session_command", args=[session.seat_id, session.pk, name]))
        for name in ("delete-document", "form-pdf", "action-request_signature", "action-send_form")
    ]
    strangers = {
        "anonymous": Client(),
        "other citizen": world["other_citizen"],
        "clerk of another seat": logged_in(world["other_clerk"]),
        "editor": logged_in(world["editor"]),
    }
    data = {"document": document.pk, "action": form.pk, "naam": "x", "agree": "1", "form_page": form_page.pk}
    for who, client in strangers.items():
        for method, url in citizen_urls + clerk_urls:
            if method == "post" and "upload" in url:
                response = client.post(url, {"file": SimpleUploadedFile("b.pdf", buffer.getvalue())})
            else:
                response = getattr(client, method)(url, data)
            assert response.status_code in (302, 403, 404), f"{who} got {response.status_code} on {method} {url}"
            if response.status_code == 302:
                assert "/login/" in response["Location"], f"{who}: {url} → {response['Location']}"
    assert Document.objects.count() == 1 and Document.objects.get().deleted_at is None
    assert not form.submission.submitted_at

    citizen = world["right_citizen"]  # the conversation's citizen, from the call page
    for method, url in citizen_urls[:2] + citizen_urls[3:4] + citizen_urls[5:6]:
        if method == "post":
            response = citizen.post(url, {"file": SimpleUploadedFile("c.pdf", buffer.getvalue())})
        else:
            response = citizen.get(url)
        assert response.status_code in (200, 302), url
    right = logged_in(clerk)
    assert right.get(citizen_urls[0][1]).status_code == 200
    assert right.post(clerk_urls[0][1], {"document": document.pk}).status_code == 302
