"""Verified identities are kept only as long as needed (``IDENTITY_RETENTION_DAYS``, default 30).

The daily job clears the personal fields — name, birth date, the number's keyed hash and what the
clerk expected — and keeps provider, level, outcome and time, so the dashboard can still count
verifications and their success rate.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..conf import app_settings
from ..models import IdentityVerification
from ..models.audit import record_many

logger = logging.getLogger("digitale_balie.retention")

PERSONAL_FIELDS = {
    "given_name": "",
    "family_name": "",
    "birth_date": None,
    "national_number_hash": "",
    "expected_national_number_hash": "",
    "expected_name": "",
    "expected_birth_date": None,
}


def purge_expired(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=app_settings.IDENTITY_RETENTION_DAYS)
    with transaction.atomic():
        due = IdentityVerification.objects.filter(action__created_at__lt=cutoff, personal_data_deleted_at__isnull=True)
        count = due.update(**PERSONAL_FIELDS, personal_data_deleted_at=now)
        if count:
            record_many(
                "identity.purged",
                IdentityVerification,
                count=count,
                older_than_days=app_settings.IDENTITY_RETENTION_DAYS,
            )
    if count:
        logger.info("Cleared the personal data of %s identity verification(s).", count)
    return count
