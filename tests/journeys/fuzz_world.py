"""The world the generated-input tests send their requests into: one of everything a route can be about.

Built once per test (inside the test's transaction): a booked video appointment whose citizen is in the waiting
room, an ended conversation that used every in-call action (its summary link and feedback invitation), a phone
conversation with an open request of every action type taken by one browser, a take link nobody has opened yet,
a guest link, an e-mail confirmation link, and the clerk of the seat. Valid values (ids, tokens, slot keys,
choices) are offered to the generator next to hostile ones, so requests reach past the first check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.booking.slots import KEY_FORMAT
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.cms.models import ApplicationFormPage
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.models import (
    AccessToken,
    CallSession,
    FeedbackInvitation,
    ParticipantAccess,
)
from tests.calls.test_video_counter import clerk_client_for_seat, enter_room
from tests.factories import SeatFactory, make_pdf
from tests.fixtures import at
from tests.summary.conversation import converse, summary_mails, summary_path

#: One request of each kind on the phone conversation, taken by the holder's browser (code), with its payload.
ACTIONS = {
    "share_message": {"text": "Uw aanvraag is klaar."},
    "verify_identity": {},
    "request_payment": {"amount": Decimal("12.50"), "description": "Uittreksel"},
    "exchange_documents": {},
    "send_form": None,  # the form page, made below
    "request_signature": None,  # the document, uploaded below
}


PAID = {"outcome": "paid", "method": "bancontact"}


@dataclass
class World:
    page: object
    seat: object
    other_seat: object
    service: object
    clerk: object
    clients: dict[str, Client]
    #: URL arguments that lead somewhere, by argument name (``token`` by route name, see ``tokens``).
    session_ids: dict[str, int]
    action_ids: dict[str, int]
    document_ids: dict[str, int]
    access_ids: list[int]
    tokens: dict[str, str]
    checkout_ids: list[str]
    #: Form values that pass their field's checks, by field name (the generator mixes them with hostile ones).
    valid: dict[str, list] = field(default_factory=dict)


def _form_page(page):
    """An application form with one field of every kind Wagtail's form builder offers."""
    form_page = page.get_parent().add_child(instance=ApplicationFormPage(title="Aanvraag", slug="aanvraag"))
    kinds = ["singleline", "multiline", "email", "number", "url", "checkbox", "date", "datetime"]
    for kind in kinds:
        form_page.form_fields.create(label=f"Veld {kind}", field_type=kind, required=kind == "singleline")
    for kind in ["checkboxes", "dropdown", "multiselect", "radio"]:
        form_page.form_fields.create(label=f"Veld {kind}", field_type=kind, choices="Een\nTwee\nDrie")
    form_page.save()  # modelcluster keeps the fields in memory until the page is saved
    return form_page


def _taken_by(holder: Client, page, action) -> None:
    """The holder's browser types the clerk's code (the rate limit of codes is lifted for the set-up)."""
    response = holder.post(page.url + "code/", {"code": handover.issue_code(action)})
    assert response.status_code == 302, response.status_code
    cache.clear()


def build_world(page, service, seat, clerk, on_commit) -> World:
    """Everything above. ``on_commit`` is pytest-django's ``django_capture_on_commit_callbacks``: the test's
    transaction never commits, and the confirmation and summary e-mails (the links' source) are sent on commit."""
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["refund_payment"]))
    clerk_client = clerk_client_for_seat(seat, clerk)
    citizen, holder = Client(), Client()

    with on_commit(execute=True):
        waiting = booking.book_appointment(
            service, at(7, 10), booking.CitizenDetails(name="An Peeters", email="an@example.be", phone="+32470123456")
        )
    enter_room(citizen, waiting.appointment)
    video = CallSession.objects.get(appointment=waiting.appointment)
    guest_token = sessions.invite_guest(video, "Tolk")
    with on_commit(execute=True):
        ended_booking = booking.book_appointment(
            service, at(7, 11), booking.CitizenDetails(name="Bram Claes", email="bram@example.be")
        ).appointment
    enter_room(citizen, ended_booking)
    with on_commit(execute=True):
        conversation = converse(ended_booking, clerk, follow_up_at=at(9, 10))
    ended = conversation.session
    feedback_token, _invitation = FeedbackInvitation.issue(ended, timedelta(days=7))
    phoned = booking.book_appointment(
        service,
        at(8, 9),
        booking.CitizenDetails(name="Chris", email="chris@example.be"),
        booked_via="phone",
        booked_by=clerk,
        email_confirmed=False,
    ).appointment

    phone = sessions.open_contact(seat, channel="phone", clerk=clerk, citizen_name="Jan", service=service)
    document = documents.upload(phone, SimpleUploadedFile("brief.pdf", make_pdf()), source="clerk", user=clerk)
    form_page = _form_page(page)
    payloads = {**ACTIONS, "send_form": {"form_page": form_page}, "request_signature": {"document": document}}
    actions = {kind: create_action(phone, kind, payload, by_user=clerk) for kind, payload in payloads.items()}
    for action in actions.values():
        if action.kind != "share_message":
            _taken_by(holder, page, action)
    unopened = create_action(phone, "verify_identity", {}, by_user=clerk)
    shown = create_action(video, "share_message", ACTIONS["share_message"], by_user=clerk)
    checkout = holder.post(page.url + f"pay/{actions['request_payment'].pk}/", {"email": "jan@example.be"})
    assert checkout.status_code == 302, checkout.status_code
    paid = create_action(phone, "request_payment", ACTIONS["request_payment"], by_user=clerk)
    _taken_by(holder, page, paid)
    settled = holder.post(holder.post(page.url + f"pay/{paid.pk}/", {"email": "jan@example.be"})["Location"], PAID)
    assert settled.status_code == 302, settled.status_code
    other_seat = SeatFactory(services_for=service)  # after the bookings: they all went to ``seat``

    slots = [slot.start.astimezone(UTC) for slot in free_slots(service)[:5]]
    action_ids = {kind: action.pk for kind, action in actions.items()} | {
        "unopened": unopened.pk,
        "shown": shown.pk,
        "paid": paid.pk,
    }
    return World(
        page=page,
        seat=seat,
        other_seat=other_seat,
        service=service,
        clerk=clerk,
        clients={"anonymous": Client(), "citizen": citizen, "holder": holder, "clerk": clerk_client},
        session_ids={"video": video.pk, "ended": ended.pk, "phone": phone.pk},
        action_ids=action_ids,
        document_ids={
            "phone": document.pk,
            "ended": conversation.citizen_document.pk,
            "signed": conversation.signed.pk,
        },
        access_ids=list(ParticipantAccess.objects.values_list("pk", flat=True)),
        tokens={
            "manage": waiting.manage_token,
            "join": waiting.appointment.issue_token(AccessToken.Purpose.JOIN),
            "confirm_email": phoned.issue_token(AccessToken.Purpose.CONFIRM_EMAIL),
            "guest": guest_token,
            "summary": summary_path(summary_mails("bram@example.be")[0].body).rstrip("/").rsplit("/", 1)[1],
            "feedback_link": feedback_token,
            "take": handover.link_token(unopened),
        },
        checkout_ids=[checkout["Location"].rstrip("/").rsplit("/", 1)[1]],
        valid=_valid_values(service, form_page, document, slots, actions, phone),
    )


def _valid_values(service, form_page, document, slots, actions, phone) -> dict[str, list]:
    keys = [slot.strftime(KEY_FORMAT) for slot in slots]
    return {
        "slot": keys,
        "follow_up_slot": keys,
        "from": ["2026-12-07", "2026-12-14"],
        "days": ["1", "7"],
        "channel": ["video", "phone", "chat"],
        "name": ["An Peeters"],
        "citizen_name": ["Jan"],
        "email": ["an@example.be"],
        "contact_email": ["an@example.be"],
        "phone": ["+32470123456", "0470 12 34 56"],
        "to": ["+32470123456", "jan@example.be"],
        "contact": ["jan@example.be", "0470123456"],
        "language": ["nl", "fr", "en"],
        "service": [str(service.pk), service.slug],
        "action": [str(pk) for pk in (action.pk for action in actions.values())],
        "access": [str(pk) for pk in ParticipantAccess.objects.values_list("pk", flat=True)],
        "document": [str(document.pk)],
        "form_page": [str(form_page.pk)],
        "amount": ["12,50", "1", "0,01", "1000"],
        "description": ["Uittreksel"],
        "reason": ["Te veel"],
        "text": ["Ik kom iets later."],
        "outcome": ["resolved", "follow_up", "paid", "cancelled"],  # the end form's and the demo checkout's
        "required_level": ["substantial", "high"],
        "expected_birth_date": ["1985-04-12", "12/04/1985"],
        "expected_national_number": ["85041212369"],
        "ease": ["1", "5"],
        "satisfaction": ["1", "5"],
        "use_again": ["yes", "no"],
        "time_saved": ["under_60"],
        "provider": ["balie-demo", "balie-itsme"],
        "method": ["bancontact", "kbc"],
        "code": ["ABCD-EFGH", "12345678"],
        "agree": ["1", "on"],
        "step": ["verify"],
        "done": ["1"],
        "panel": ["documents", "request_payment"],
        "session": [str(phone.pk)],
        "page": [str(form_page.pk)],
        "url": ["https://example.be/x"],
        **{f"veld_{kind}": ["Een", "2026-12-07", "3"] for kind in ("singleline", "date", "number", "dropdown")},
    }
