"""How long each kind of personal data is kept, per site.

Why per site: one install can serve several municipalities, and each decides its own periods in
*Settings → Digital counter settings* (``CounterSettings``). The policy turns those days into cut-off
moments for one run of the daily job, so every step compares against the same "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import CounterSettings

#: Which ``CounterSettings`` field sets the period of each kind the daily job handles.
DAYS_FIELDS = {
    "appointments": "appointment_retention_days",
    "sessions": "session_retention_days",
    "notes": "notes_retention_days",
    "identities": "identity_retention_days",
    "documents": "document_retention_days",
    "payments": "payment_retention_days",
    "feedback": "feedback_retention_days",
}


@dataclass(frozen=True)
class Policy:
    site: object
    now: datetime
    days: dict[str, int]

    @classmethod
    def for_site(cls, site, now: datetime) -> Policy:
        settings_ = CounterSettings.for_site(site)
        return cls(site=site, now=now, days={kind: getattr(settings_, field) for kind, field in DAYS_FIELDS.items()})

    def cutoff(self, kind: str) -> datetime:
        """What happened before this moment has expired."""
        return self.now - timedelta(days=self.days[kind])

    def cutoff_day(self, kind: str) -> date:
        """For rows that only know their local day (feedback): days before this one have expired."""
        return timezone.localdate(self.now, app_settings.TIME_ZONE) - timedelta(days=self.days[kind])
