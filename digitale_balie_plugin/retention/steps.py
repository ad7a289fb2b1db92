"""The steps of the daily retention job: for one site's policy, which rows have expired.

Each step only *selects* (the site's rows older than its period) and hands them to ``anonymise``, which
knows what to clear; so the job and a citizen's erasure forget the same fields. A step returns how many
rows it changed. The reference moment is the end of what the row is about: an appointment's end, a
conversation's end (or planned start when it never ended), the time an action was asked.
"""

from __future__ import annotations

from django.db.models import Q

from digitale_balie_plugin.documents.service import delete_many
from digitale_balie_plugin.models import (
    ApplicationSubmission,
    Appointment,
    CallSession,
    Document,
    Feedback,
    IdentityVerification,
    Payment,
    SignatureRequest,
    SummaryLink,
)
from digitale_balie_plugin.retention import anonymise
from digitale_balie_plugin.retention.policy import Policy


def _sessions_before(policy: Policy, kind: str):
    cutoff = policy.cutoff(kind)
    ended_before = Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, planned_start__lt=cutoff)
    return CallSession.objects.filter(ended_before, site=policy.site)


def appointments(policy: Policy) -> int:
    due = Appointment.objects.filter(site=policy.site, end__lt=policy.cutoff("appointments"))
    return anonymise.appointments(due, policy.now)


def sessions(policy: Policy) -> int:
    return anonymise.sessions(_sessions_before(policy, "sessions"), policy.now)


def notes(policy: Policy) -> int:
    return anonymise.notes(_sessions_before(policy, "notes"), delivered_only=True)


def identities(policy: Policy) -> int:
    due = IdentityVerification.objects.filter(
        action__session__site=policy.site, action__created_at__lt=policy.cutoff("identities")
    )
    return anonymise.identities(due, policy.now)


def documents(policy: Policy) -> int:
    """Past their own expiry (set from the site's period at upload), or older than the period now set."""
    expired = Q(expires_at__lte=policy.now) | Q(created_at__lt=policy.cutoff("documents"))
    due = Document.objects.filter(expired, session__site=policy.site)
    return delete_many(due, reason="retention", now=policy.now)


def summaries(policy: Policy) -> int:
    """Summary links die with the documents they lead to: revoked (their page then says why, with a 410) once
    past their expiry, or once their conversation is older than the documents' period now set."""
    cutoff = policy.cutoff("documents")
    expired = Q(expires_at__lte=policy.now) | Q(session__ended_at__lt=cutoff) | Q(created_at__lt=cutoff)
    due = SummaryLink.objects.filter(expired, session__site=policy.site, revoked_at__isnull=True)
    return due.update(revoked_at=policy.now)


def submissions(policy: Policy) -> int:
    """Form answers follow the documents' period: the PDF made of them is a document."""
    due = ApplicationSubmission.objects.filter(
        action__session__site=policy.site, action__created_at__lt=policy.cutoff("documents")
    )
    return anonymise.submissions(due)


def signatures(policy: Policy) -> int:
    """The signer's name follows the documents' period: the signed document goes then too."""
    due = SignatureRequest.objects.filter(
        action__session__site=policy.site, action__created_at__lt=policy.cutoff("documents")
    )
    return anonymise.signatures(due)


def payments(policy: Policy) -> int:
    due = Payment.objects.filter(action__session__site=policy.site, created_at__lt=policy.cutoff("payments"))
    return anonymise.payments(due, policy.now)


def feedback(policy: Policy) -> int:
    due = Feedback.objects.filter(site=policy.site, given_on__lt=policy.cutoff_day("feedback"))
    return anonymise.feedback(due, policy.now)


#: In this order: documents before the sessions they belong to, nothing depends on the order otherwise.
STEPS = {
    "appointments": appointments,
    "sessions": sessions,
    "notes": notes,
    "identities": identities,
    "documents": documents,
    "summaries": summaries,
    "submissions": submissions,
    "signatures": signatures,
    "payments": payments,
    "feedback": feedback,
}
