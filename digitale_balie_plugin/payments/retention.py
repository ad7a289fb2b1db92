"""The receipt address is the one personal field of a payment; it is kept only as long as needed.

After ``PAYMENT_RECEIPT_RETENTION_DAYS`` (default 30) the daily job clears it. Amount, description,
reference, method and times stay: they are bookkeeping records the municipality must keep, and
they name nobody.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..conf import app_settings
from ..models import Payment
from ..models.audit import record_many

logger = logging.getLogger("digitale_balie.retention")


def purge_receipt_addresses(now=None) -> int:
    now = now or timezone.now()
    days = app_settings.PAYMENT_RECEIPT_RETENTION_DAYS
    with transaction.atomic():
        count = (
            Payment.objects.filter(created_at__lt=now - timedelta(days=days))
            .exclude(receipt_email="")
            .update(receipt_email="", updated_at=now)
        )
        if count:
            record_many("payment.receipt_addresses_purged", Payment, count=count, older_than_days=days)
    if count:
        logger.info("Cleared the receipt address of %s payment(s).", count)
    return count
