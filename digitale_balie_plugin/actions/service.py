"""Create actions and move them through the status machine: atomic, audited, announced, live."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.models import ActionStatus, CallSession, InCallAction
from digitale_balie_plugin.models.actions import FINAL_STATUSES, TRANSITIONS
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.signals import action_status_changed


class ActionNotAllowed(CounterError):
    pass


def create_action(session: CallSession, kind: str, cleaned_data: dict, *, by_user) -> InCallAction:
    """Create and send an action in an open session."""
    action_kind = action_type(kind)
    if action_kind is None or not session.is_open:
        raise ActionNotAllowed()
    with transaction.atomic():
        action = InCallAction.objects.create(
            session=session,
            kind=kind,
            payload=action_kind.build_payload(cleaned_data),
            created_by=by_user,
            expires_at=timezone.now() + timedelta(minutes=action_kind.expires_minutes),
        )
        action_kind.created(action, cleaned_data)
        record("action.created", action, user=by_user, site=session.site, kind=kind)
        transition(action, ActionStatus.SENT, user=by_user)
    return action


def transition(
    action: InCallAction, status: str, *, user=None, actor_label: str = "", reason: str = "", result: dict | None = None
) -> bool:
    """Move ``action`` to ``status`` if the machine allows it; a conditional UPDATE decides races.

    Returns False (and changes nothing) for a repeated or out-of-order transition, so callers such as
    webhooks can be idempotent.
    """
    previous = InCallAction.objects.filter(pk=action.pk).values_list("status", flat=True).first()
    if previous is None or status not in TRANSITIONS.get(previous, set()):
        return False
    fields = {"status": status, "status_reason": reason[:200], "updated_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    with transaction.atomic():
        if not InCallAction.objects.filter(pk=action.pk, status=previous).update(**fields):
            return False
        action.refresh_from_db()
        record(
            "action.status",
            action,
            user=user,
            actor_label=actor_label or ("" if user else "citizen"),
            site=action.session.site,
            previous=previous,
            status=status,
            reason=reason[:200],
        )
        kind = action_type(action.kind)
        if kind is not None:
            kind.status_changed(action, previous, status)
        session = action.session
        transaction.on_commit(lambda: live.bump(session))
        transaction.on_commit(
            lambda: action_status_changed.send(sender=InCallAction, action=action, previous=previous, status=status)
        )
    return True


class ActionBusy(CounterError):
    default_message = _("The citizen is busy with this request right now. Try again when they have finished.")


def cancel(action: InCallAction, *, by_user) -> bool:
    """The clerk withdraws a request; its link and code die with it. Raises ``ActionBusy``."""
    kind = action_type(action.kind)
    if kind is not None and kind.is_busy(action):
        raise ActionBusy()
    return _withdraw(action, user=by_user, reason="cancelled by the clerk")


def _withdraw(action: InCallAction, *, user=None, actor_label: str = "", reason: str) -> bool:
    """Cancel ``action`` and kill its link and code in one transaction (the clerk's withdraw, the end)."""
    with transaction.atomic():
        InCallAction.objects.filter(pk=action.pk).update(token_hash=None, code_hash="", code_expires_at=None)
        return transition(action, ActionStatus.CANCELLED, user=user, actor_label=actor_label, reason=reason)


def close_open_requests(session: CallSession, *, by_user=None) -> int:
    """The conversation ended or was cancelled: every request still open is withdrawn, with its audit event,
    and its link and code die. A request busy at its provider (a checkout the citizen is paying) is left to
    the provider's answer, which finishes it; taking it back now could lose a payment that went through."""
    closed = 0
    for action in InCallAction.objects.filter(session=session).exclude(status__in=FINAL_STATUSES):
        kind = action_type(action.kind)
        if kind is not None and kind.is_busy(action):
            continue
        closed += _withdraw(action, user=by_user, actor_label="system", reason="conversation ended")
    return closed


def expire_overdue(now=None) -> int:
    """Mark unfinished actions past their expiry as expired (run by the periodic job)."""
    now = now or timezone.now()
    count = 0
    for action in InCallAction.objects.filter(expires_at__lte=now).exclude(status__in=FINAL_STATUSES):
        kind = action_type(action.kind)
        if kind is not None and kind.is_busy(action):
            continue  # e.g. a checkout still open at the provider: its outcome comes first
        count += transition(action, ActionStatus.EXPIRED, actor_label="system", reason="expired")
    return count
