"""Provider callbacks through one base view: validate, normalise to dataclasses, act, answer.

Each capability subclasses it for its own provider kind (``booking.webhooks``, ``payments.webhooks``).

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
