"""Provider callbacks through one base view: validate, normalise to dataclasses, act, answer.

The body is never trusted before the provider's signature is verified (in the provider's
``parse_*`` method, constant-time). A forged or malformed call gets 400 with a reason; an
authentic call about something we do not know gets 200, so the provider stops retrying.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..booking.notifications import record_delivery
from ..exceptions import ConfigurationError
from ..integrations.payments import payment_provider
from ..integrations.payments.base import PaymentError
from ..integrations.registry import InvalidCallback
from ..integrations.sms import registry as sms_registry

logger = logging.getLogger("digitale_balie.webhooks")


@method_decorator(csrf_exempt, name="dispatch")
class BaseWebhookView(View):
    """Override the hooks below. ``invalid_exceptions`` answer 400 (the provider should not retry a
    forged or malformed call); ``retry_exceptions`` answer 503 (we could not act now — e.g. the
    provider's own API did not answer when asked for the status — so the provider retries later)."""

    http_method_names = ["post"]
    invalid_exceptions: tuple[type[Exception], ...] = ()
    retry_exceptions: tuple[type[Exception], ...] = ()

    def get_provider(self, provider_id: str):
        """Override this: the configured provider, only when its id matches the URL."""
        raise NotImplementedError

    def parse(self, provider, request):
        """Override this: verify and turn the request into normalised event dataclasses."""
        raise NotImplementedError

    def handle(self, provider, events) -> None:
        """Override this: act on authentic events (idempotently: providers resend)."""
        raise NotImplementedError

    def post(self, request, provider: str):
        instance = self.get_provider(provider)
        if instance is None:
            return HttpResponse("Unknown provider.", status=404, content_type="text/plain")
        try:
            events = self.parse(instance, request)
        except self.invalid_exceptions as exc:
            logger.warning("Rejected %s callback: %s", provider, exc)
            return HttpResponseBadRequest(f"Invalid callback: {exc}", content_type="text/plain")
        try:
            self.handle(instance, events)
        except self.retry_exceptions as exc:
            logger.warning("Could not act on a %s callback now (%s); the provider will retry.", provider, exc)
            return HttpResponse("Try again later.", status=503, content_type="text/plain")
        return HttpResponse("OK", content_type="text/plain")


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
            return payment_provider(provider_id)
        except ConfigurationError:
            return None

    def parse(self, provider, request):
        return provider.parse_webhook(request)

    def handle(self, provider, events):
        from ..payments.service import sync_notified

        for notice in events:
            if sync_notified(provider.identifier, notice.provider_payment_id) is None:
                logger.info("Payment webhook for an id that is not ours; ignored.")
