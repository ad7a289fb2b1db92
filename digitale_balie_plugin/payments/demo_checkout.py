"""The demo payment provider's "hosted checkout": the tester chooses what the bank answers.

It stands for the provider's own page (Mollie's, say), so it is deliberately not a page of the
city's site: it has its own plain layout and a banner saying no money moves. It exists only while
the demo provider is configured.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.payments.base import PaymentError
from digitale_balie_plugin.integrations.payments.demo import DEMO_METHODS, OUTCOMES, DemoPaymentProvider
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider
from digitale_balie_plugin.payments.service import sync_notified

logger = logging.getLogger("digitale_balie.payments")


def _demo_provider() -> DemoPaymentProvider:
    try:
        provider = get_payments_provider()
    except ConfigurationError:
        raise Http404 from None
    if not isinstance(provider, DemoPaymentProvider):
        raise Http404
    return provider


@never_cache
def checkout(request, payment_id):
    provider = _demo_provider()
    state = provider.state(payment_id)
    if state is None:
        raise Http404
    error = ""
    if request.method == "POST":
        outcome, method = request.POST.get("outcome", ""), request.POST.get("method", "bancontact")
        if outcome not in OUTCOMES or method not in dict(DEMO_METHODS):
            error = _("Choose a payment method and an outcome.")
        else:
            try:
                state = provider.settle(payment_id, outcome, method)
            except PaymentError:
                error = _("This demo payment cannot change any more.")
            else:
                _notify(payment_id)
                return HttpResponseRedirect(state["cancel_url"] if outcome == "cancelled" else state["return_url"])
    context = {"state": state, "payment_id": payment_id, "methods": DEMO_METHODS, "error": error}
    return TemplateResponse(request, "digitale_balie/demo/checkout.html", context, status=400 if error else 200)


def _notify(payment_id: str) -> None:
    """What a real provider's webhook does, done in-process (the demo runs on one machine)."""

    try:
        sync_notified("demo", payment_id)
    except PaymentError:
        logger.info("Demo payment %s: not applied now; the return page asks again.", payment_id)
