"""What "forgetting" means for each kind of row, applied to a queryset in a few bulk statements.

Why one module for both callers: the daily retention job and a citizen's erasure must clear exactly the
same fields, or one of them leaves something behind. Each function takes the rows to forget (the caller
decides *which*: expired ones, or one person's), clears what points at a person, keeps what the
dashboard counts (status, times, service, seat, channel, scores, amounts) and returns how many rows it
changed. Rows already forgotten are skipped, so a second run changes nothing.
"""

from __future__ import annotations

from digitale_balie_plugin.models import (
    AccessToken,
    CaseRecord,
    CaseStatus,
    InCallAction,
    Notification,
    ParticipantAccess,
    SummaryLink,
    WaitingRoomMessage,
)

#: The personal fields of a verified identity; provider, level, outcome and time stay for the figures.
IDENTITY_FIELDS = {
    "given_name": "",
    "family_name": "",
    "birth_date": None,
    "national_number_hash": "",
    "expected_national_number_hash": "",
    "expected_name": "",
    "expected_birth_date": None,
}

#: The one in-call action kind whose payload is free text the clerk typed to the citizen.
FREE_TEXT_ACTION_KINDS = ("share_message",)


def appointments(queryset, now) -> int:
    """Name, address, phone and question go, with the appointment's links and mail errors (which may quote
    the address). Status, times, service, seat, channel, how it was booked and the SMS choice stay."""
    due = queryset.filter(personal_data_deleted_at__isnull=True)
    AccessToken.objects.filter(appointment__in=due).delete()
    Notification.objects.filter(appointment__in=due).exclude(error="").update(error="")
    return due.update(citizen_name="", email="", phone="", question="", personal_data_deleted_at=now)


def sessions(queryset, now) -> int:
    """Name and contact go, with the waiting-room messages, the guests' and citizen's accesses, the summary's
    links, mail errors (which may quote the address) and the free texts sent to the citizen. Channel, status,
    times, outcome and seat stay."""
    due = queryset.filter(personal_data_deleted_at__isnull=True)
    WaitingRoomMessage.objects.filter(session__in=due).delete()
    ParticipantAccess.objects.filter(session__in=due).delete()
    SummaryLink.objects.filter(session__in=due).delete()
    Notification.objects.filter(session__in=due).exclude(error="").update(error="")
    InCallAction.objects.filter(session__in=due, kind__in=FREE_TEXT_ACTION_KINDS).update(payload={})
    return due.update(citizen_name="", contact="", personal_data_deleted_at=now)


def notes(queryset, *, delivered_only: bool) -> int:
    """The clerk's notes on the conversations, and their copy in the case records.

    A record still waiting for the CRM keeps its notes under retention (they are what it must deliver);
    an erasure clears them everywhere."""
    cases = CaseRecord.objects.filter(session__in=queryset, payload__has_key="notes").exclude(payload__notes="")
    if delivered_only:
        cases = cases.filter(status=CaseStatus.SENT)
    changed = list(cases.only("pk", "payload"))
    for case in changed:
        case.payload = {**case.payload, "notes": ""}
    CaseRecord.objects.bulk_update(changed, ["payload"])
    return queryset.exclude(notes="").update(notes="") + len(changed)


def identities(queryset, now) -> int:
    return queryset.filter(personal_data_deleted_at__isnull=True).update(
        **IDENTITY_FIELDS, personal_data_deleted_at=now
    )


def submissions(queryset) -> int:
    """The answers of application forms (the PDF made of them is a document and goes with the documents)."""
    return queryset.exclude(data={}).update(data={})


def payments(queryset, now) -> int:
    """Only the receipt address: amount, description, reference, method and times are bookkeeping
    records the municipality must keep, and they name nobody."""
    return queryset.exclude(receipt_email="").update(receipt_email="", updated_at=now)


def signatures(queryset) -> int:
    return queryset.exclude(signer_name="").update(signer_name="")


def feedback(queryset, now) -> int:
    """The comment, name, address and the link to the conversation go; scores, service, seat, channel and
    day stay, so the survey figures do not change."""
    return queryset.filter(personal_data_deleted_at__isnull=True).update(
        comment="", contact_name="", contact_email="", session=None, personal_data_deleted_at=now
    )
