"""Build a conversation's case record and deliver it to the CRM, exactly once, with retries and backoff.

Exactly once, on our side: a delivery first *claims* the row (``pending`` → ``sending`` by a conditional
update), so two workers never send the same record at the same time; a worker that dies mid-delivery leaves
``sending`` behind, which the periodic sweep hands back after ``CASE_STALE_SENDING``. On the receiver's side the
same idempotency key goes with every attempt, so a record delivered but not acknowledged is not stored twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.integrations.crm.base import CrmError, CrmRejected
from digitale_balie_plugin.integrations.crm.registry import get_crm_provider
from digitale_balie_plugin.jobs import enqueue_on_commit
from digitale_balie_plugin.models import ActionStatus, CallSession, CaseRecord, CaseStatus
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.payments import new_idempotency_key
from digitale_balie_plugin.models.settings import CounterSettings
from digitale_balie_plugin.signals import case_registered

logger = logging.getLogger("digitale_balie.crm")

#: Waits between attempts: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h; then the record is "failed".
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
SCHEMA = "digitale-balie/case-record/1"


def payload(session: CallSession, key: str) -> dict:
    """The documented JSON record (docs/developer.md, "Case records"); no raw identifiers."""
    return {
        "schema": SCHEMA,
        "idempotency_key": key,
        "conversation": session.pk,
        "site": session.site.hostname,
        "service": session.service.slug if session.service else "",
        "channel": session.channel,
        "walk_in": session.is_walk_in,
        "planned_start": session.planned_start.isoformat() if session.planned_start else None,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "outcome": session.outcome,
        "clerk": session.clerk.get_username() if session.clerk else "",
        "notes": session.notes,
        "follow_up": {"appointment": session.follow_up.reference, "start": session.follow_up.start.isoformat()}
        if session.follow_up_id
        else None,
        "actions": [
            {"kind": action.kind, "status": action.status, "result": _safe_result(action)}
            for action in session.actions.order_by("created_at")
        ],
    }


def _safe_result(action) -> dict:
    """What an action's outcome may tell a CRM: payment references and verification levels, not identities."""
    if action.kind == "request_payment" and hasattr(action, "payment"):
        payment = action.payment
        return {"reference": payment.reference, "amount": str(payment.amount), "status": payment.status}
    if action.kind == "verify_identity" and hasattr(action, "identity"):
        return {"level": action.identity.level, "verified": action.status == ActionStatus.COMPLETED}
    if action.kind == "request_signature" and hasattr(action, "signature"):
        return {"signed": bool(action.signature.signed_at)}
    return {}


def register_case(session: CallSession) -> CaseRecord:
    """Called when a conversation ends: one record per conversation (a second call changes nothing)."""
    key = new_idempotency_key()
    case, created = CaseRecord.objects.get_or_create(
        session=session,
        defaults={"provider": get_crm_provider().identifier, "idempotency_key": key, "payload": payload(session, key)},
    )
    if created:
        enqueue_on_commit("deliver_case_task", case.pk)
    return case


def deliver(case_pk: int, *, now=None) -> bool:
    """One attempt. Returns ``True`` when the CRM has the record (now or before)."""
    now = now or timezone.now()
    claimed = CaseRecord.objects.filter(pk=case_pk, status=CaseStatus.PENDING).update(
        status=CaseStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=None, claimed_at=now
    )
    case = CaseRecord.objects.select_related("session__site").get(pk=case_pk)
    if not claimed:
        return case.status == CaseStatus.SENT
    try:
        result = get_crm_provider().register(case.payload, idempotency_key=case.idempotency_key, url=_site_url(case))
    except CrmError as exc:
        _failed(case, exc, now)
        return False
    CaseRecord.objects.filter(pk=case.pk).update(
        status=CaseStatus.SENT, sent_at=now, reference=result.reference, last_error=""
    )
    case.refresh_from_db()
    record("case.registered", case, actor_label="system", site=case.session.site, reference=result.reference)
    case_registered.send(sender=CaseRecord, case=case, reference=result.reference)
    return True


def _site_url(case) -> str:
    return CounterSettings.for_site(case.session.site).crm_url


def _failed(case: CaseRecord, exc: CrmError, now) -> None:
    give_up = isinstance(exc, CrmRejected) or case.attempts > len(BACKOFF)
    next_attempt = None if give_up else now + BACKOFF[case.attempts - 1]
    CaseRecord.objects.filter(pk=case.pk).update(
        status=CaseStatus.FAILED if give_up else CaseStatus.PENDING,
        last_error=str(exc.message)[:200],
        next_attempt_at=next_attempt,
    )
    record(
        "case.delivery_failed",
        case,
        actor_label="system",
        site=case.session.site,
        attempt=case.attempts,
        gave_up=give_up,
        problem=str(exc.message)[:200],  # our own words for what went wrong (shown on the record's page)
    )


def due(now=None):
    """Records whose next attempt is due (their backoff passed)."""
    now = now or timezone.now()
    return CaseRecord.objects.filter(status=CaseStatus.PENDING, next_attempt_at__lte=now)


def release_stale(now=None) -> int:
    """Hand back records a dead worker left in ``sending`` (the receiver dedupes by the idempotency key)."""
    now = now or timezone.now()
    stale = now - app_settings.CASE_STALE_SENDING
    return CaseRecord.objects.filter(status=CaseStatus.SENDING, claimed_at__lte=stale).update(
        status=CaseStatus.PENDING, next_attempt_at=now
    )


def retry_now(case: CaseRecord, *, user) -> None:
    CaseRecord.objects.filter(pk=case.pk, status__in=[CaseStatus.PENDING, CaseStatus.FAILED]).update(
        status=CaseStatus.PENDING, next_attempt_at=timezone.now()
    )
    record("case.retry_requested", case, user=user, site=case.session.site)
    enqueue_on_commit("deliver_case_task", case.pk)
