"""The case record's detail screen: what was sent, to which CRM, and how each delivery attempt went.

The stored record is the JSON the CRM received (docs/developer.md, "Case records"). Support staff read it
here as a list with translated labels; the JSON itself stays available, folded, for whoever must compare
it with the CRM's side. The attempts come from the audit trail (``case.delivery_failed``,
``case.registered``, ``case.retry_requested``).
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.views import InspectView

from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.integrations.crm.registry import crm_provider_for
from digitale_balie_plugin.models import ActionStatus, AuditEvent, Outcome, PaymentStatus
from digitale_balie_plugin.models.choices import AssuranceLevel, Channel
from digitale_balie_plugin.models.settings import CounterSettings
from digitale_balie_plugin.payments.money import euro

#: The record's fields in the order shown, with their labels (``schema`` and ``idempotency_key`` are technical:
#: they are in the JSON).
FIELD_LABELS = {
    "conversation": gettext_lazy("Conversation number"),
    "site": gettext_lazy("Site"),
    "service": gettext_lazy("Service"),
    "channel": gettext_lazy("Channel"),
    "walk_in": gettext_lazy("Without appointment"),
    "planned_start": gettext_lazy("Planned start"),
    "started_at": gettext_lazy("Started"),
    "ended_at": gettext_lazy("Ended"),
    "outcome": gettext_lazy("Outcome"),
    "clerk": gettext_lazy("Clerk"),
    "notes": gettext_lazy("Notes"),
    "follow_up": gettext_lazy("Follow-up appointment"),
}
#: What an action's result may hold (see ``cases.service._safe_result``).
RESULT_LABELS = {
    "reference": gettext_lazy("Reference"),
    "amount": gettext_lazy("Amount"),
    "status": gettext_lazy("Payment status"),
    "level": gettext_lazy("Level of assurance"),
    "verified": gettext_lazy("Verified"),
    "signed": gettext_lazy("Signed"),
}
CHOICES = {"channel": Channel, "outcome": Outcome, "level": AssuranceLevel, "status": PaymentStatus}


def _when(value) -> str:
    try:
        moment = parse_datetime(value) if isinstance(value, str) else value
    except ValueError:  # well-formed but impossible ("2026-13-45T…")
        moment = None
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        return str(value or "–")
    return date_format(timezone.localtime(moment, app_settings.TIME_ZONE), "DATETIME_FORMAT")


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "–")


def _value(key: str, value) -> str:
    """One field of the record as people read it."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in CHOICES:
        return _label(CHOICES[key], value)
    if key.endswith("_start") or key.endswith("_at") or key == "start":
        return _when(value)
    if key == "amount":
        try:
            return euro(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if key == "follow_up" and isinstance(value, dict):
        return _("%(reference)s on %(start)s") % {
            "reference": value.get("appointment", ""),
            "start": _when(value.get("start")),
        }
    return "–" if value in (None, "") else str(value)


def record_fields(payload: dict) -> list[tuple[str, str]]:
    return [(str(label), _value(key, payload.get(key))) for key, label in FIELD_LABELS.items() if key in payload]


def record_actions(payload: dict) -> list[dict]:
    actions = []
    for action in payload.get("actions") or []:
        if not isinstance(action, dict):  # the record is what was sent: show it, whatever its shape
            continue
        kind = action_type(str(action.get("kind", "")))
        result = action.get("result") if isinstance(action.get("result"), dict) else {}
        actions.append(
            {
                "label": str(kind.label) if kind else action.get("kind", ""),
                "status": _label(ActionStatus, action.get("status")),
                "result": [(str(RESULT_LABELS.get(key, key)), _value(key, value)) for key, value in result.items()],
            }
        )
    return actions


def attempts(case) -> list[dict]:
    """Each delivery attempt and each "retry now", oldest first, from the audit trail."""
    events = AuditEvent.objects.filter(
        object_type=case._meta.label_lower, object_id=str(case.pk), action__startswith="case."
    ).order_by("timestamp", "pk")
    return [{"when": _when(event.timestamp), "outcome": _outcome(event)} for event in events]


def _outcome(event) -> str:
    data = event.data or {}
    if event.action == "case.registered":
        reference = data.get("reference")
        return (
            _("Registered by the CRM (reference %(reference)s).") % {"reference": reference}
            if reference
            else _("Registered by the CRM.")
        )
    if event.action == "case.delivery_failed":
        failed = _("Attempt %(number)s failed.") % {"number": data.get("attempt", "?")}
        then = data.get("problem") or (_("No new attempt.") if data.get("gave_up") else _("A new attempt follows."))
        return f"{failed} {then}"
    if event.action == "case.retry_requested":
        return _("%(user)s asked to send it again.") % {"user": event.actor_label}
    return event.action


def crm_name(case) -> str:
    provider = crm_provider_for(case.provider)
    return str(provider.verbose_name or provider.identifier) if provider else case.provider


class CaseRecordInspectView(InspectView):
    """The record as a readable page, the attempts, and the JSON folded away for support staff."""

    def get_context_data(self, **kwargs):
        case = self.instance
        payload = case.payload if isinstance(case.payload, dict) else {}
        return super().get_context_data(
            case=case,
            crm=crm_name(case),
            crm_address=CounterSettings.for_site(case.session.site).crm_url,
            record_fields=record_fields(payload),
            record_actions=record_actions(payload),
            attempts=attempts(case),
            sent_at=_when(case.sent_at) if case.sent_at else "",
            next_attempt_at=_when(case.next_attempt_at) if case.next_attempt_at else "",
            raw_json=json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True),
            **kwargs,
        )
