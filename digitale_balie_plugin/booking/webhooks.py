"""Delivery reports from the SMS gateway, stored on the notification they belong to."""

from __future__ import annotations

from digitale_balie_plugin.booking.notifications import record_delivery
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.registry import InvalidCallback
from digitale_balie_plugin.integrations.sms.registry import registry as sms_registry
from digitale_balie_plugin.webhooks import BaseWebhookView


class SmsStatusWebhookView(BaseWebhookView):
    """Delivery reports from the SMS gateway, stored on the notification they belong to."""

    invalid_exceptions = (InvalidCallback,)

    def get_provider(self, provider_id):
        try:
            instance = sms_registry.get_provider()
        except ConfigurationError:
            return None
        return instance if instance.identifier == provider_id else None

    def parse(self, provider, request):
        return [provider.parse_delivery_report(request)]

    def handle(self, provider, events):
        for report in events:
            record_delivery(report, provider.identifier)
