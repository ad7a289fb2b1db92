"""Background work through django-q2.

Tasks take primary keys (never model instances), are enqueued after commit by the service
layer, and are idempotent: the service functions they call claim a sent-marker first. The enqueued ones run
again later when the database or the broker is away for a moment (``jobs.retried_when_away``); the scheduled
sweeps simply run again on their schedule.
"""

from __future__ import annotations

import logging

from digitale_balie_plugin.actions.service import expire_overdue
from digitale_balie_plugin.booking import notifications
from digitale_balie_plugin.cases.service import deliver, due, release_stale
from digitale_balie_plugin.feedback.invitations import send_due
from digitale_balie_plugin.jobs import enqueue, retried_when_away
from digitale_balie_plugin.payments.receipts import send_receipt
from digitale_balie_plugin.retention.job import apply_retention
from digitale_balie_plugin.summary.messages import send_summary

logger = logging.getLogger("digitale_balie.tasks")

REMINDER_SCHEDULE_NAME = "digitale_balie.send_due_reminders"


@retried_when_away
def send_appointment_message_task(appointment_pk: int, kind: str) -> list[str]:
    """One message about an appointment, by e-mail and/or SMS (``notifications.send_appointment_message``)."""
    return notifications.send_appointment_message(appointment_pk, kind)


@retried_when_away
def send_call_summary_task(session_pk: int) -> str:
    """The summary after a conversation (enqueued when it ends); sends nothing twice. Returns the channel."""
    return send_summary(session_pk)


def send_due_reminders_task() -> int:
    """Every 5 minutes (a django-q2 ``Schedule`` made by a migration): one task per reminder still to send.

    Fanned out, so every worker of every cluster shares a morning's thousands of reminders, and a killed
    cluster loses only the tasks it held: the next run finds their appointments still waiting (and hands
    back the claims a killed worker left half-sent). Returns how many reminder tasks it enqueued."""
    for appointment_pk, kind in notifications.release_stale():
        if kind != notifications.Kind.REMINDER:
            enqueue("send_appointment_message_task", appointment_pk, kind)
    pks = list(notifications.awaiting_reminder().values_list("pk", flat=True))
    for pk in pks:
        enqueue("send_reminder_task", pk)
    if pks:
        logger.info("Enqueued %s reminder(s).", len(pks))
    return len(pks)


def send_reminder_task(appointment_pk: int) -> list[str]:
    """The reminder of one appointment, by e-mail and/or SMS; sends nothing twice. Returns the channels.

    Not ``retried_when_away``: the sweep that enqueued it finds the appointment still waiting on its next run."""
    return notifications.send_reminders(appointment_pk)


def expire_actions_task() -> int:
    """Mark in-call actions past their expiry as expired (scheduled every minute by migration 0004)."""

    return expire_overdue()


@retried_when_away
def send_payment_receipt_task(payment_pk: int) -> bool:
    """Enqueued on commit when a payment becomes paid; sends nothing twice."""

    return send_receipt(payment_pk)


def apply_retention_task() -> dict:
    """Delete or anonymise what each site's retention periods say has expired (daily, migration 0020)."""

    return apply_retention()


@retried_when_away
def deliver_case_task(case_pk: int) -> bool:
    """Deliver one case record to the CRM (enqueued when a conversation ends, and by the sweep)."""

    return deliver(case_pk)


def deliver_due_cases_task() -> int:
    """Every minute (migration 0018): hand back records a dead worker left, deliver those whose backoff passed."""

    release_stale()
    return sum(deliver(pk) for pk in due().values_list("pk", flat=True))


def send_feedback_invitations_task() -> int:
    """Every 10 minutes (migration 0021): one survey e-mail to citizens who left without answering."""

    return send_due()
