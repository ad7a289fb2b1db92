"""Retention of the audit log itself (``AUDIT_RETENTION_DAYS``, default five years).

Audit events are append-only: ``AuditQuerySet.delete`` and ``AuditEvent.delete`` refuse, so no view,
admin action or stray ``.delete()`` can touch the log. This module is the one deliberate exception.
It calls Django's own ``QuerySet.delete`` on the audit queryset, which skips the guard, only for rows
older than the period, and writes an ``audit.purged`` event saying how many and how old.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import models, transaction

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import AuditEvent
from digitale_balie_plugin.models.audit import record_many

logger = logging.getLogger("digitale_balie.retention")


def purge_audit_events(now) -> int:
    days = app_settings.AUDIT_RETENTION_DAYS
    with transaction.atomic():
        expired = AuditEvent.objects.filter(timestamp__lt=now - timedelta(days=days))
        count, _by_model = models.QuerySet.delete(expired)  # bypasses AuditQuerySet.delete, on purpose
        if count:
            record_many("audit.purged", AuditEvent, count=count, older_than_days=days)
    if count:
        logger.info("Deleted %s audit event(s) older than %s days.", count, days)
    return count
