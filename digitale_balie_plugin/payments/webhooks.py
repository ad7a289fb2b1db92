"""The payment provider's webhook: only the payment id is read, and the status is asked of the provider."""

from __future__ import annotations

import logging

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.payments.base import PaymentError
from digitale_balie_plugin.integrations.payments.registry import payments_provider_for
from digitale_balie_plugin.integrations.registry import InvalidCallback
from digitale_balie_plugin.payments.service import sync_notified
from digitale_balie_plugin.webhooks import BaseWebhookView

logger = logging.getLogger("digitale_balie.webhooks")


class PaymentWebhookView(BaseWebhookView):
    """The payment provider says "something changed about payment X" — and nothing else is believed.

    The body is never trusted (Mollie signs nothing): only the id is read, and only ids of our own
    attempts are followed up, by asking the provider's API. An id we do not know answers 200 and
    changes nothing (and costs no API call); a provider that cannot be asked answers 503, so it
    retries. Applying a status is idempotent and forward-only (``payments.service.apply``). The URL
    holds only the provider's id: it grants nothing.
    """

    invalid_exceptions = (InvalidCallback,)
    retry_exceptions = (PaymentError,)

    def get_provider(self, provider_id):
        try:
            return payments_provider_for(provider_id)
        except ConfigurationError:
            return None

    def parse(self, provider, request):
        return provider.parse_webhook(request)

    def handle(self, provider, events):
        for notice in events:
            if sync_notified(provider.identifier, notice.provider_payment_id) is None:
                logger.info("Payment webhook for an id that is not ours; ignored.")
