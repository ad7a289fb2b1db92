"""The default payment provider: a local checkout page where the tester chooses what happens.

It moves no money and works offline, so ``make demo`` shows the whole journey on one machine. It
behaves like a real provider where callers could tell the difference: its checkout is another page
the citizen is redirected to, the same idempotency key returns the same payment, statuses come only
from :meth:`fetch`, a refund cannot exceed what was paid, and "the bank confirms later" keeps a
payment pending for a while. Its state lives in Django's cache (it stands in for a remote service).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.integrations.payments.base import (
    CheckoutRequest,
    InvalidCallback,
    PaymentError,
    PaymentProvider,
    PaymentRejected,
    ProviderPayment,
    ProviderRefund,
    ProviderStatus,
    RefundStatus,
    WebhookNotice,
)
from digitale_balie_plugin.integrations.payments.registry import registry

#: A demo payment id as ``create_payment`` mints it ("demo_" + a URL-safe token).
DEMO_PAYMENT_ID = re.compile(r"demo_[A-Za-z0-9_-]{1,59}")

STATE_TTL = 7 * 24 * 3600  # longer than a payment request lives (PAYMENT_REQUEST_HOURS)
#: What the tester can choose on the demo checkout page.
OUTCOMES = ("paid", "pending", "failed", "cancelled", "expired")
#: How long "the bank confirms later" stays pending.
PENDING_SECONDS = 8
DEMO_METHODS = (("bancontact", "Bancontact"), ("kbc", "KBC/CBC"), ("belfius", "Belfius"), ("creditcard", "Card"))


def _key(provider_payment_id: str) -> str:
    return f"digitale_balie:demo-payment:{provider_payment_id}"


@registry.register("demo")
class DemoPaymentProvider(PaymentProvider):
    verbose_name = _("Demo (moves no money)")
    is_demo = True

    def create(self, request: CheckoutRequest) -> ProviderPayment:
        payment_id = "demo_" + secrets.token_urlsafe(16)
        key = f"digitale_balie:demo-payment-key:{request.idempotency_key}"
        added = cache.add(key, payment_id, STATE_TTL)
        if added is None:  # the cache (its state) is away: as when a real provider does not answer
            raise PaymentError()  # the demo keeps its state in the cache, which is away
        if not added:  # atomic: a simultaneous retry gets the first payment
            return self._with_checkout(self.fetch(cache.get(key)), request)
        state = {
            "status": ProviderStatus.OPEN.value,
            "amount": str(request.amount),
            "currency": request.currency,
            "description": request.description,
            "reference": request.reference,
            "return_url": request.return_url,
            "cancel_url": request.cancel_url,
            "method": "",
            "refunded": "0.00",
            "settle_at": None,
            "paid_at": None,
        }
        cache.set(_key(payment_id), state, STATE_TTL)
        return self._with_checkout(self.fetch(payment_id), request)

    def _with_checkout(self, payment: ProviderPayment, request: CheckoutRequest) -> ProviderPayment:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(request.return_url)) if request.return_url else ""
        path = reverse("digitale_balie:demo_checkout", args=[payment.provider_payment_id])
        return replace(payment, checkout_url=origin + path)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        state = self.state(provider_payment_id)
        if state is None:
            raise PaymentRejected(detail="unknown demo payment")
        if state["settle_at"] and timezone.now().timestamp() >= state["settle_at"]:
            state = self._save(provider_payment_id, state, status=ProviderStatus.PAID.value, settle_at=None)
        return ProviderPayment(
            provider_payment_id=provider_payment_id,
            status=ProviderStatus(state["status"]),
            amount=Decimal(state["amount"]),
            currency=state["currency"],
            method=state["method"],
            amount_refunded=Decimal(state["refunded"]),
            paid_at=datetime.fromtimestamp(state["paid_at"], tz=UTC) if state["paid_at"] else None,
            reference=state["reference"],
        )

    def parse_webhook(self, request) -> list[WebhookNotice]:
        """Like Mollie: a POST naming only the id (the status is fetched, never read from the body)."""
        payment_id = request.POST.get("id", "") if request.method == "POST" else ""
        if not DEMO_PAYMENT_ID.fullmatch(payment_id):  # as minted: nothing else (a NUL, say) reaches a query
            raise InvalidCallback("A demo webhook names a payment id starting with demo_.")
        return [WebhookNotice(payment_id)]

    def refund(self, provider_payment_id, amount, currency, description, idempotency_key) -> ProviderRefund:
        state = self.state(provider_payment_id)
        if state is None or state["status"] != ProviderStatus.PAID.value:
            raise PaymentRejected(detail="only paid demo payments can be refunded")
        left = Decimal(state["amount"]) - Decimal(state["refunded"])
        if amount <= 0 or amount > left:
            raise PaymentRejected(
                _("The refund is larger than what is left of the payment."), detail=f"{left} left", field_name="amount"
            )
        self._save(provider_payment_id, state, refunded=str(Decimal(state["refunded"]) + amount))
        return ProviderRefund("demo_re_" + secrets.token_urlsafe(8), RefundStatus.REFUNDED, amount, currency)

    # -- the demo checkout page ----------------------------------------------------------------

    def state(self, provider_payment_id: str) -> dict | None:
        """The payment's state, ``None`` for an unknown one; ``PaymentError`` (try again) while the cache is away:
        a django-redis cache that ignores its errors answers ``None`` to ``has_key`` then, never ``False``."""
        if not provider_payment_id.startswith("demo_"):
            return None
        state = cache.get(_key(provider_payment_id))
        if state is None and cache.has_key(_key(provider_payment_id)) is None:
            raise PaymentError()  # the demo keeps its state in the cache, which is away
        return state

    def settle(self, provider_payment_id: str, outcome: str, method: str = "bancontact") -> dict:
        """What the tester chose on the checkout page; returns the state (with the URL to go back to)."""
        state = self.state(provider_payment_id)
        if state is None or outcome not in OUTCOMES or state["status"] != ProviderStatus.OPEN.value:
            raise PaymentRejected(detail="this demo payment cannot change any more")
        now = timezone.now()
        if outcome == "pending":
            return self._save(
                provider_payment_id,
                state,
                status=ProviderStatus.PENDING.value,
                method=method,
                settle_at=(now + timedelta(seconds=PENDING_SECONDS)).timestamp(),
                paid_at=(now + timedelta(seconds=PENDING_SECONDS)).timestamp(),
            )
        fields = {"status": outcome, "method": method if outcome == "paid" else ""}
        if outcome == "paid":
            fields["paid_at"] = now.timestamp()
        return self._save(provider_payment_id, state, **fields)

    def _save(self, provider_payment_id: str, state: dict, **changes) -> dict:
        state = {**state, **changes}
        cache.set(_key(provider_payment_id), state, STATE_TTL)
        return state
