"""A conversation that used every in-call action, ended: what the summary tests (and the browser test) build on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.models import (
    Appointment,
    CallSession,
    Document,
    IdentityVerification,
    InCallAction,
    Payment,
    PaymentStatus,
    SignatureRequest,
)
from tests.factories import make_pdf

#: What a summary e-mail's link looks like (the token is 256 bits, 43 characters; 128 bits, 22, in an SMS).
SUMMARY_LINK = re.compile(r"https?://[^/\s]+(/(?:[a-z]{2}/)?digitale-balie/summary/([\w-]+)/)(?:\?n=\d+)?")


@dataclass
class Conversation:
    session: CallSession
    appointment: Appointment | None
    citizen_document: Document
    clerk_document: Document
    signed: Document
    follow_up: Appointment | None


def book(service, start, *, language="nl", email="an@example.be", phone="", **details) -> Appointment:
    citizen = booking.CitizenDetails(name="An Peeters", email=email, phone=phone, language=language, **details)
    via = "web" if email else "phone"
    return booking.book_appointment(service, start, citizen, booked_via=via).appointment


def upload(session, name: str, source: str, clerk=None) -> Document:
    return documents.upload(session, SimpleUploadedFile(name, make_pdf()), source=source, user=clerk)


def act(session, clerk, *, signed_name="contract-getekend.pdf"):
    """Verify (done), pay (paid), exchange documents both ways, sign a PDF (done)."""
    verification = create_action(session, "verify_identity", {}, by_user=clerk)
    IdentityVerification.objects.filter(action=verification).update(
        provider="balie-demo", level="high", given_name="An", verified_at=timezone.now()
    )
    InCallAction.objects.filter(pk=verification.pk).update(status="completed")
    payment = create_action(
        session, "request_payment", {"amount": Decimal("12.50"), "description": "Rijbewijs"}, by_user=clerk
    )
    Payment.objects.filter(action=payment).update(
        status=PaymentStatus.PAID, paid_at=timezone.now(), method="bancontact"
    )
    mine = upload(session, "loonfiche.pdf", "citizen")
    theirs = upload(session, "contract.pdf", "clerk", clerk)
    signature = create_action(session, "request_signature", {"document": theirs}, by_user=clerk)
    signed = upload(session, signed_name, "clerk", clerk)
    SignatureRequest.objects.filter(action=signature).update(signed_document=signed, signed_at=timezone.now())
    InCallAction.objects.filter(pk=signature.pk).update(status="completed")
    return mine, theirs, signed


def converse(appointment_or_session, clerk, *, follow_up_at=None, actions=True) -> Conversation:
    """Start the appointment's (or the walk-in's) conversation, act, and end it (with a follow-up)."""
    if isinstance(appointment_or_session, Appointment):
        session = sessions.session_for_appointment(appointment_or_session)
    else:
        session = appointment_or_session
    session = sessions.start_call(session, clerk)
    mine, theirs, signed = act(session, clerk) if actions else (None, None, None)
    follow_up = None
    if follow_up_at is not None:
        appointment = appointment_or_session
        follow_up = booking.book_appointment(
            session.service,
            follow_up_at,
            booking.CitizenDetails(
                name=appointment.citizen_name,
                email=appointment.email,
                phone=appointment.phone,
                language=appointment.language,
            ),
            booked_via="desk",
            booked_by=clerk,
        ).appointment
    sessions.end_call(session, clerk, outcome="follow_up" if follow_up else "resolved", follow_up=follow_up)
    session.refresh_from_db()
    return Conversation(session, session.appointment, mine, theirs, signed, follow_up)


def summary_mails(to: str):
    return [message for message in mail.outbox if message.to == [to] and "/summary/" in message.body]


def summary_path(message_body: str) -> str:
    return SUMMARY_LINK.search(message_body).group(1)


def later(days: int) -> timedelta:
    return timedelta(days=days)
