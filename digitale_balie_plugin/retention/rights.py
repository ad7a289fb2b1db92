"""A citizen's rights: see everything held about them (export) and have it erased.

Who is "the citizen": a person is found by the e-mail address they gave (appointments, the contact of a
conversation, feedback with "you may contact me") and/or by their national register number, which staff
type and which is hashed at once (``identity.national_number.keyed_hash``) and matched against verified
identities. The number itself is never kept, logged or put in the export.

What is theirs, and nothing of anyone else:

- a conversation is theirs when it belongs to their appointment or its contact is their address; a
  conversation found only through a verified identity is theirs when nobody else's address or number is
  on it (a phone call without appointment) and it was not anonymised already (then whose it was is gone).
  Otherwise — they helped someone else, as a parent or carer — only their own verification (and a
  signature bound to it) is theirs;
- inside their conversations, another person's verified identity stays out. Without a number to compare
  with, a verification counts as theirs only when it is the only number verified in that conversation.

Erasure anonymises with the same functions as the retention job (``anonymise``), so it clears the same
fields; payments stay as bookkeeping records without the receipt address; document files are deleted.
Both write one audit event with counts only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digitale_balie_plugin.documents.service import delete_many
from digitale_balie_plugin.models import (
    ApplicationSubmission,
    Appointment,
    CallSession,
    Document,
    Feedback,
    IdentityVerification,
    InCallAction,
    Notification,
    Payment,
    PaymentAttempt,
    Refund,
    SeatReservation,
    SignatureRequest,
    WaitingRoomMessage,
)
from digitale_balie_plugin.models.audit import record_about
from digitale_balie_plugin.models.choices import AppointmentStatus
from digitale_balie_plugin.retention import anonymise

SCHEMA = "digitale-balie/citizen-export/1"


@dataclass
class Findings:
    """The primary keys of what belongs to one person on one site."""

    site: object
    email: str = ""
    identity_hash: str = ""
    appointments: set[int] = field(default_factory=set)
    sessions: set[int] = field(default_factory=set)
    verifications: set[int] = field(default_factory=set)
    feedback: set[int] = field(default_factory=set)

    @property
    def signature_filter(self) -> Q:
        return Q(action__session_id__in=self.sessions) | Q(verification_id__in=self.verifications)


def find(site, *, email: str = "", identity_hash: str = "") -> Findings:
    """Everything about the person with this address and/or this hashed number on ``site``."""
    email = (email or "").strip()
    if not email and not identity_hash:
        raise ValueError("Give an e-mail address, a national register number's hash, or both.")
    found = Findings(site=site, email=email, identity_hash=identity_hash)
    if email:
        found.appointments = set(
            Appointment.objects.filter(site=site, email__iexact=email).values_list("pk", flat=True)
        )
        anchored = Q(appointment_id__in=found.appointments) | Q(contact__iexact=email)
        found.sessions = set(CallSession.objects.filter(anchored, site=site).values_list("pk", flat=True))
    if identity_hash:
        _add_sessions_found_by_number(found)
    found.appointments |= set(
        CallSession.objects.filter(pk__in=found.sessions, appointment__isnull=False).values_list(
            "appointment_id", flat=True
        )
    )
    found.verifications = _verifications(found)
    feedback = Q(session_id__in=found.sessions) | (Q(contact_email__iexact=email) if email else Q(pk__in=[]))
    found.feedback = set(Feedback.objects.filter(feedback, site=site).values_list("pk", flat=True))
    return found


def _by_number(identity_hash: str) -> Q:
    """The person's own verifications: their number logged in, or it was expected and nobody else logged in."""
    return Q(national_number_hash=identity_hash) | Q(
        national_number_hash="", expected_national_number_hash=identity_hash
    )


def _add_sessions_found_by_number(found: Findings) -> None:
    candidates = set(
        IdentityVerification.objects.filter(_by_number(found.identity_hash), action__session__site=found.site)
        .exclude(action__session_id__in=found.sessions)
        .values_list("action__session_id", flat=True)
    )
    others = set(
        IdentityVerification.objects.filter(action__session_id__in=candidates)
        .exclude(national_number_hash__in=["", found.identity_hash])
        .values_list("action__session_id", flat=True)
    )
    someone_else = set(
        CallSession.objects.filter(pk__in=candidates - others)
        .filter(_other_appointment(found) | _other_contact(found) | Q(personal_data_deleted_at__isnull=False))
        .values_list("pk", flat=True)
    )
    found.sessions |= candidates - others - someone_else


def _other_appointment(found: Findings) -> Q:
    """An appointment with an address, not the one searched for, is someone else's (an erased one is nobody's)."""
    other = Q(appointment__isnull=False) & ~Q(appointment__email="")
    return other & ~Q(appointment__email__iexact=found.email) if found.email else other


def _other_contact(found: Findings) -> Q:
    """A contact that is an e-mail address, not the one searched for, is someone else's."""
    contact = Q(contact__contains="@")
    return contact & ~Q(contact__iexact=found.email) if found.email else contact


def _verifications(found: Findings) -> set[int]:
    rows = list(
        IdentityVerification.objects.filter(action__session_id__in=found.sessions).values_list(
            "pk", "action__session_id", "national_number_hash"
        )
    )
    numbers = defaultdict(set)
    for _pk, session_id, number in rows:
        if number:
            numbers[session_id].add(number)
    own = {pk for pk, session_id, number in rows if _is_own(found, number, numbers[session_id])}
    if found.identity_hash:
        own |= set(
            IdentityVerification.objects.filter(
                _by_number(found.identity_hash), action__session__site=found.site
            ).values_list("pk", flat=True)
        )
    return own


def _is_own(found: Findings, number: str, numbers_in_session: set[str]) -> bool:
    if not number:
        return True
    if found.identity_hash:
        return number == found.identity_hash
    return len(numbers_in_session) == 1


# --- export ---------------------------------------------------------------------------------------


def export(found: Findings) -> dict:
    """Everything found, as JSON-ready data (``SCHEMA``): times in ISO 8601, amounts as strings."""
    sessions = found.sessions
    data = {
        "schema": SCHEMA,
        "generated_at": timezone.now().isoformat(),
        "site": found.site.hostname,
        "searched_by": {"email": found.email or None, "national_register_number": bool(found.identity_hash)},
        "appointments": _appointments(found.appointments),
        "conversations": _conversations(sessions),
        "in_call_actions": _rows(
            InCallAction.objects.filter(session_id__in=sessions)
            .exclude(identity__pk__in=_others_verifications(found))
            .order_by("created_at"),
            "pk conversation:session_id kind status created_at payload",
        ),
        "identity_verifications": _rows(
            IdentityVerification.objects.filter(pk__in=found.verifications).select_related("action"),
            "conversation:action.session_id provider level given_name family_name birth_date verified_at "
            "matches_expected failure_reason personal_data_deleted_at",
        ),
        "payments": _payments(sessions),
        "documents": _rows(
            Document.objects.filter(session_id__in=sessions),
            "conversation:session_id source name content_type size sha256 created_at deleted_at",
        ),
        "signature_requests": _rows(
            SignatureRequest.objects.filter(found.signature_filter).select_related("action"),
            "conversation:action.session_id status:action.status document:document_id signer_name signed_at",
        ),
        "application_forms": _rows(
            ApplicationSubmission.objects.filter(action__session_id__in=sessions).select_related("action", "form_page"),
            "conversation:action.session_id form:form_page.title data submitted_at",
        ),
        "feedback": _rows(
            Feedback.objects.filter(pk__in=found.feedback),
            "given_on source channel ease satisfaction use_again time_saved comment contact_ok contact_name "
            "contact_email",
        ),
    }
    return data


def _others_verifications(found: Findings):
    return IdentityVerification.objects.filter(action__session_id__in=found.sessions).exclude(
        pk__in=found.verifications
    )


def _appointments(pks) -> list[dict]:
    notifications = defaultdict(list)
    for row in Notification.objects.filter(appointment_id__in=pks).order_by("created_at"):
        notifications[row.appointment_id].append(_row(row, "kind channel status created_at opened_at"))
    appointments = Appointment.objects.filter(pk__in=pks).select_related("service", "seat").order_by("start")
    spec = (
        "reference service:service.name seat:seat.name start end channel status booked_via citizen_name email "
        "phone sms_consent language question created_at cancelled_at personal_data_deleted_at"
    )
    return [{**_row(a, spec), "notifications": notifications[a.pk]} for a in appointments]


def _conversations(pks) -> list[dict]:
    messages = defaultdict(list)
    for message in WaitingRoomMessage.objects.filter(session_id__in=pks):
        messages[message.session_id].append(_row(message, "text created_at"))
    sessions = CallSession.objects.filter(pk__in=pks).select_related("service", "seat", "case")
    spec = (
        "pk service:service.name seat:seat.name channel status citizen_name contact is_walk_in planned_start "
        "started_at ended_at outcome notes personal_data_deleted_at"
    )
    return [
        {**_row(s, spec), "waiting_room_messages": messages[s.pk], "case_record": _case(s)}
        for s in sessions.order_by("planned_start")
    ]


def _case(session) -> dict | None:
    case = getattr(session, "case", None)
    if case is None:
        return None
    return {**_row(case, "status sent_at reference"), "notes": case.payload.get("notes", "")}


def _payments(sessions) -> list[dict]:
    payments = Payment.objects.filter(action__session_id__in=sessions).select_related("action")
    attempts, refunds = defaultdict(list), defaultdict(list)
    for attempt in PaymentAttempt.objects.filter(payment__in=payments):
        attempts[attempt.payment_id].append(_row(attempt, "status method created_at"))
    for refund in Refund.objects.filter(payment__in=payments):
        refunds[refund.payment_id].append(_row(refund, "amount status reason created_at"))
    spec = (
        "conversation:action.session_id reference amount currency description status method paid_at "
        "amount_refunded receipt_email created_at"
    )
    return [{**_row(p, spec), "attempts": attempts[p.pk], "refunds": refunds[p.pk]} for p in payments]


def _rows(queryset, spec: str) -> list[dict]:
    return [_row(obj, spec) for obj in queryset]


def _row(obj, spec: str) -> dict:
    """``spec``: space-separated ``name`` or ``name:dotted.path`` of what to take from ``obj``."""
    row = {}
    for item in spec.split():
        name, _colon, path = item.partition(":")
        value = obj
        for attr in (path or name).split("."):
            value = getattr(value, attr, None) if value is not None else None
        row["id" if name == "pk" else name] = _plain(value)
    return row


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def counts(exported: dict) -> dict[str, int]:
    """How many of each kind an export holds (the admin's preview)."""
    return {key: len(value) for key, value in exported.items() if isinstance(value, list)}


def record_export(found: Findings, exported: dict, *, user) -> None:
    record_about("personal_data.exported", "citizen", user=user, site=found.site, **counts(exported))


# --- erasure --------------------------------------------------------------------------------------


def erase(found: Findings, *, user) -> dict[str, int]:
    """Anonymise everything found; payments stay without the receipt address; document files go."""
    now = timezone.now()
    sessions = CallSession.objects.filter(pk__in=found.sessions)
    in_sessions = Q(action__session_id__in=found.sessions)
    with transaction.atomic():
        result = {
            "cancelled_appointments": _cancel_future(found.appointments, now),
            "appointments": anonymise.appointments(Appointment.objects.filter(pk__in=found.appointments), now),
            "documents": _delete_documents(found.sessions, now),
            "notes": anonymise.notes(sessions, delivered_only=False),
            "sessions": anonymise.sessions(sessions, now),
            "identities": anonymise.identities(IdentityVerification.objects.filter(pk__in=found.verifications), now),
            "payments": anonymise.payments(Payment.objects.filter(in_sessions), now),
            "submissions": anonymise.submissions(ApplicationSubmission.objects.filter(in_sessions)),
            "signatures": anonymise.signatures(SignatureRequest.objects.filter(found.signature_filter)),
            "feedback": anonymise.feedback(Feedback.objects.filter(pk__in=found.feedback), now),
        }
        record_about("personal_data.erased", "citizen", user=user, site=found.site, **result)
    return result


def _delete_documents(sessions, now) -> int:
    """Files go; the rows stay for the audit trail, without the file name (it may say whose it was)."""
    documents = Document.objects.filter(session_id__in=sessions)
    deleted = delete_many(documents, reason="erasure", now=now)
    documents.exclude(name="").update(name="")
    return deleted


def _cancel_future(pks, now) -> int:
    """A booked appointment still to come is cancelled first: a nameless booking would hold a seat nobody uses."""
    future = Appointment.objects.filter(pk__in=pks, status=AppointmentStatus.BOOKED, start__gt=now)
    SeatReservation.objects.filter(appointment__in=future).delete()
    return future.update(status=AppointmentStatus.CANCELLED, cancelled_at=now)
