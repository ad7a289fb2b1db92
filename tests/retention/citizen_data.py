"""One citizen's footprint in every table that can hold personal data, for the retention and rights tests.

Rows are made the way the product makes them where that is cheap (document uploads go through the
documents service, so real files land in private storage), and with the ORM where a full flow would
only slow the tests down. Every personal value carries the citizen's ``marker`` so a test can search an
export or the database for it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digitale_balie_plugin.cms.models import ApplicationFormPage
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.identity.national_number import keyed_hash
from digitale_balie_plugin.models import (
    ApplicationSubmission,
    Appointment,
    CallSession,
    CaseRecord,
    CaseStatus,
    Document,
    Feedback,
    IdentityVerification,
    InCallAction,
    Notification,
    ParticipantAccess,
    Payment,
    PaymentAttempt,
    SessionStatus,
    SignatureRequest,
    WaitingRoomMessage,
)
from tests.factories import make_pdf


@dataclass
class Footprint:
    marker: str
    email: str
    appointment: Appointment | None
    session: CallSession
    verification: IdentityVerification
    payment: Payment
    document: Document
    submission: ApplicationSubmission
    signature: SignatureRequest
    case: CaseRecord
    feedback: Feedback


def _action(session, kind, **fields):
    return InCallAction.objects.create(
        session=session, kind=kind, expires_at=timezone.now() + timedelta(hours=1), **fields
    )


def verify(session, marker: str, number: str, birth_date=date(1985, 4, 12)) -> IdentityVerification:
    """A completed verification of ``number`` in ``session``."""
    return IdentityVerification.objects.create(
        action=_action(session, "verify_identity", status="completed"),
        provider="balie-demo",
        level="high",
        given_name=marker,
        family_name=f"{marker}-familie",
        birth_date=birth_date,
        national_number_hash=keyed_hash(number),
        verified_at=timezone.now(),
    )


def form_page(site) -> ApplicationFormPage:
    page = ApplicationFormPage.objects.filter(title="Aanvraag").first()
    return page or site.root_page.add_child(instance=ApplicationFormPage(title="Aanvraag", slug="aanvraag"))


def citizen(site, service, seat, *, marker: str, email: str, number: str, appointment=True, start=None) -> Footprint:
    """A conversation (with or without appointment) that used every in-call action, ended, with a case record
    and feedback. Without an appointment it is a phone call whose contact is a phone number."""
    start = start or timezone.now() - timedelta(hours=1)
    booked = (
        Appointment.objects.create(
            site=site,
            service=service,
            seat=seat,
            start=start,
            end=start + timedelta(minutes=20),
            reserved_until=start + timedelta(minutes=30),
            citizen_name=marker,
            email=email,
            phone="0470 11 22 33",
            question=f"Vraag van {marker}",
        )
        if appointment
        else None
    )
    if booked:
        booked.issue_token("manage")
        Notification.objects.create(
            appointment=booked,
            kind="confirmation",
            channel="email",
            dedupe_key=secrets.token_hex(8),
            error=f"550 {email} unknown",
        )
    session = CallSession.objects.create(
        site=site,
        seat=seat,
        service=service,
        appointment=booked,
        channel="video" if booked else "phone",
        status=SessionStatus.IN_CALL,
        citizen_name=marker,
        contact=email if booked else "0470 99 88 77",
        room_name=secrets.token_urlsafe(16),
        planned_start=start,
        started_at=start,
    )
    WaitingRoomMessage.objects.create(session=session, text=f"Even geduld, {marker}")
    ParticipantAccess.issue(session, "citizen", marker)
    _action(session, "share_message", payload={"text": f"Bericht voor {marker}", "url": "", "url_label": ""})
    verification = verify(session, marker, number)
    payment = Payment.objects.create(
        action=_action(session, "request_payment", status="completed"),
        amount=Decimal("12.50"),
        description="Uittreksel",
        provider="demo",
        status="paid",
        receipt_email=email,
        paid_at=timezone.now(),
    )
    PaymentAttempt.objects.create(payment=payment, provider="demo", provider_payment_id=f"demo_{secrets.token_hex(4)}")
    document = documents.upload(
        session, SimpleUploadedFile(f"{marker}-loonfiche.pdf", make_pdf()), source="citizen", actor="citizen"
    )
    submission = ApplicationSubmission.objects.create(
        action=_action(session, "application_form", status="completed"),
        form_page=form_page(site),
        data={"naam": marker, "adres": f"Straat van {marker} 1"},
        submitted_at=timezone.now(),
    )
    signature = SignatureRequest.objects.create(
        action=_action(session, "request_signature", status="completed"),
        document=document,
        document_sha256=document.sha256,
        required_level="high",
        verification=verification,
        signer_name=marker,
        signed_at=timezone.now(),
    )
    CallSession.objects.filter(pk=session.pk).update(
        status=SessionStatus.ENDED,
        ended_at=start + timedelta(minutes=25),
        notes=f"Notities over {marker}",
        outcome="resolved",
    )
    session.refresh_from_db()
    case = CaseRecord.objects.create(
        session=session,
        provider="demo",
        status=CaseStatus.SENT,
        payload={"notes": session.notes, "outcome": "resolved"},
    )
    feedback = Feedback.objects.create(
        site=site,
        source="call",
        service=service,
        seat=seat,
        channel=session.channel,
        ease=5,
        satisfaction=4,
        use_again="yes",
        time_saved="under_60",
        comment=f"Commentaar van {marker}",
        contact_ok=True,
        session=session,
        contact_name=marker,
        contact_email=email,
    )
    return Footprint(
        marker, email, booked, session, verification, payment, document, submission, signature, case, feedback
    )
