"""The daily retention job: every step for every site, then the audit log, then one audit event.

One job instead of one per kind, so the operator sees one schedule (``digitale_balie.apply_retention``,
made by migration 0020), one log line and one ``retention.applied`` audit event with the counts per kind
(never which rows). Each step runs in its own transaction: a failing step rolls back alone, and a rerun
picks up what is left, because every step skips what it already cleared.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from digitale_balie_plugin.models.audit import record_about
from digitale_balie_plugin.retention.audit import purge_audit_events
from digitale_balie_plugin.retention.policy import Policy
from digitale_balie_plugin.retention.steps import STEPS

logger = logging.getLogger("digitale_balie.retention")


def apply_retention(now=None) -> dict[str, int]:
    """Delete or anonymise what has expired; return how many rows each kind changed."""
    now = now or timezone.now()
    counts = dict.fromkeys(STEPS, 0)
    for site in Site.objects.order_by("pk"):
        policy = Policy.for_site(site, now)
        for kind, step in STEPS.items():
            with transaction.atomic():
                counts[kind] += step(policy)
    counts["audit_events"] = purge_audit_events(now)
    record_about("retention.applied", "retention", **counts)
    logger.info("Retention applied: %s", ", ".join(f"{kind} {count}" for kind, count in counts.items()))
    return counts
