"""Mollie, through its Payments API v2 and the official ``mollie-api-python`` client.

Facts from Mollie's documentation this module relies on:

* ``POST /v2/payments`` takes ``amount`` as ``{"currency": "EUR", "value": "12.50"}`` (a string with
  exactly two decimals), ``description`` (at most 255 characters), ``redirectUrl``, ``cancelUrl``,
  ``webhookUrl``, ``locale`` (``nl_BE``, ``fr_BE``, ``en_US``, …), ``method`` (one id or a list) and
  ``metadata``; it answers ``201`` with ``id`` (``tr_…``), ``status`` and ``_links.checkout.href``.
* Statuses: ``open``, ``pending``, ``authorized``, ``paid``, ``canceled``, ``expired``, ``failed``.
* The webhook is a ``POST`` with one form field, ``id``; Mollie signs nothing, so the status must be
  fetched with ``GET /v2/payments/{id}``. A non-2xx answer makes Mollie retry later.
* ``Idempotency-Key`` on a ``POST`` makes Mollie replay the first answer instead of creating twice.
* Errors are JSON with ``status``, ``title``, ``detail`` and sometimes ``field``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.exceptions import ConfigurationError
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
    format_amount,
)
from digitale_balie_plugin.integrations.payments.registry import registry
from digitale_balie_plugin.integrations.registry import ConfigWarning

try:  # the "mollie" extra: a site on another payment provider, or none, does not install Mollie's client
    from mollie.api.client import Client
    from mollie.api.error import Error as MollieError
    from mollie.api.error import RequestError, RequestSetupError, ResponseError
    from mollie.api.objects.payment import Payment
except ImportError:  # pragma: no cover - exercised by the fresh-site install test
    Client = Payment = None

    class MollieError(Exception):
        """Stands in for the client's errors, which cannot occur without the client."""

    RequestError = RequestSetupError = ResponseError = MollieError

#: What a site installs to use this provider (system check E004 names it when missing).
EXTRA = "mollie"

logger = logging.getLogger("digitale_balie.payments")

STATUSES = {
    "open": ProviderStatus.OPEN,
    "pending": ProviderStatus.PENDING,
    "authorized": ProviderStatus.AUTHORIZED,
    "paid": ProviderStatus.PAID,
    "canceled": ProviderStatus.CANCELLED,
    "expired": ProviderStatus.EXPIRED,
    "failed": ProviderStatus.FAILED,
}
REFUND_STATUSES = {
    "queued": RefundStatus.QUEUED,
    "pending": RefundStatus.PENDING,
    "processing": RefundStatus.PROCESSING,
    "refunded": RefundStatus.REFUNDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.CANCELLED,
}
#: Mollie's locales for the citizen's language, per country of the municipality.
LOCALES = {
    ("nl", "BE"): "nl_BE",
    ("nl", "NL"): "nl_NL",
    ("fr", "BE"): "fr_BE",
    ("fr", "NL"): "fr_FR",
    ("en", "BE"): "en_US",
    ("en", "NL"): "en_US",
}
DEFAULT_METHODS = ("bancontact", "kbc", "belfius", "creditcard")
CHECKOUT_ORIGIN = "https://www.mollie.com"


@registry.register("mollie")
class MollieProvider(PaymentProvider):
    """Options: ``API_KEY`` (``test_…`` or ``live_…``), ``METHODS`` (default Bancontact, KBC/CBC,
    Belfius, credit card), ``COUNTRY`` (``BE`` or ``NL``, for the checkout's locale), ``TIMEOUT``
    (seconds, default 10), ``API_ENDPOINT`` (tests only)."""

    verbose_name = "Mollie"

    def client(self) -> Client:
        if Client is None:
            raise ConfigurationError(f'Mollie: pip install "digitale-balie-plugin[{EXTRA}]".')
        client = Client(api_endpoint=self.options.get("API_ENDPOINT", ""), timeout=(3, self._timeout()), retry=0)
        try:
            client.set_api_key(str(self.option("API_KEY")))
        except RequestSetupError as exc:
            raise ConfigurationError(f"Mollie: {self._setting('API_KEY')} must start with test_ or live_.") from exc
        client.set_user_agent_component("DigitaleBalie", "1")
        return client

    # -- the lifecycle --------------------------------------------------------------------------

    def create(self, request: CheckoutRequest) -> ProviderPayment:
        data = {
            "amount": {"currency": request.currency, "value": format_amount(request.amount)},
            "description": request.description[: self.max_description_length],
            "redirectUrl": request.return_url,
            "cancelUrl": request.cancel_url,
            "locale": self.locale(request.language),
            "method": list(self.methods()),
            "metadata": {"reference": request.reference},
        }
        if request.webhook_url:
            data["webhookUrl"] = request.webhook_url
        body = self._call("create", request.reference, lambda c: c.payments.create(data, request.idempotency_key))
        return self._payment(body)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        if not _is_payment_id(provider_payment_id):
            raise PaymentRejected(detail="not a Mollie payment id")
        return self._payment(self._call("get", provider_payment_id, lambda c: c.payments.get(provider_payment_id)))

    def parse_webhook(self, request) -> list[WebhookNotice]:
        """Only ``id`` is read: Mollie's webhook is unsigned, whatever else the body holds is ignored."""
        payment_id = request.POST.get("id", "") if request.method == "POST" else ""
        if not _is_payment_id(payment_id):
            raise InvalidCallback("A Mollie webhook is a POST with an id starting with tr_.")
        return [WebhookNotice(payment_id)]

    def refund(self, provider_payment_id, amount, currency, description, idempotency_key) -> ProviderRefund:
        data = {"amount": {"currency": currency, "value": format_amount(amount)}, "description": description[:255]}

        def call(client):  # POST /v2/payments/{id}/refunds, without fetching the payment first
            return Payment({"id": provider_payment_id}, client).refunds.create(data, idempotency_key)

        body = self._call("refund", provider_payment_id, call)
        return ProviderRefund(
            provider_refund_id=str(body.get("id", "")),
            status=REFUND_STATUSES.get(str(body.get("status")), RefundStatus.PENDING),
            amount=_money(body.get("amount")) or amount,
            currency=(body.get("amount") or {}).get("currency", currency),
        )

    def checkout_origins(self) -> list[str]:
        return [CHECKOUT_ORIGIN]

    # -- options --------------------------------------------------------------------------------

    def methods(self) -> tuple[str, ...]:
        value = self.options.get("METHODS") or DEFAULT_METHODS
        return tuple(value.split(",") if isinstance(value, str) else value)

    def locale(self, language: str) -> str:
        country = str(self.options.get("COUNTRY", "BE")).upper()
        return LOCALES.get(((language or "nl")[:2], country), "nl_BE" if country == "BE" else "nl_NL")

    def check_config(self) -> list[str]:
        """Options only: a status page must not spend API calls."""
        problems: list[str] = []
        if Client is None:
            problems.append(f'Mollie: its client is not installed: pip install "digitale-balie-plugin[{EXTRA}]".')
        key = str(self.options.get("API_KEY") or "")
        if not key.startswith(("test_", "live_")):
            problems.append(
                str(_("Mollie: set %(setting)s to a key starting with test_ or live_."))
                % {"setting": self._setting("API_KEY")}
            )
        elif key.startswith("test_"):
            problems.append(ConfigWarning(_("Mollie: a test key is set; no real money is collected.")))
        unknown = [method for method in self.methods() if not method.isidentifier()]
        if unknown:
            problems.append(
                str(_("Mollie: %(setting)s holds unknown method ids.")) % {"setting": self._setting("METHODS")}
            )
        return problems

    def is_test_mode(self) -> bool:
        return str(self.options.get("API_KEY") or "").startswith("test_")

    # -- helpers --------------------------------------------------------------------------------

    def _call(self, what: str, subject: str, call):
        try:
            return call(self.client())
        except ResponseError as exc:
            raise self._error(what, subject, exc) from exc
        except (RequestError, MollieError) as exc:
            # No answer (timeout, refused connection) or an answer that is not Mollie's JSON (a proxy's
            # 502 page): the request may or may not have arrived, so the caller retries with the same key.
            logger.warning("Mollie %s for %s failed: %s", what, subject, exc)
            raise PaymentError() from exc

    def _error(self, what: str, subject: str, exc: ResponseError) -> PaymentError:
        status = int(exc.status or 0)
        level = logging.ERROR if status in (401, 403) else logging.WARNING
        logger.log(level, "Mollie refused %s for %s: HTTP %s %s (%s)", what, subject, status, exc, exc.field or "-")
        if status in (401, 403, 408, 409, 429) or status >= 500:  # 409: the same key is still being processed
            return PaymentError()
        return PaymentRejected(detail=str(exc), field_name=exc.field or "")

    def _payment(self, body) -> ProviderPayment:
        status = STATUSES.get(str(body.get("status")))
        if not body.get("id") or status is None:
            logger.warning("Mollie answered with an unknown payment shape: status %r", body.get("status"))
            raise PaymentError()
        links = body.get("_links") or {}
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        return ProviderPayment(
            provider_payment_id=str(body["id"]),
            status=status,
            amount=_money(body.get("amount")) or Decimal("0.00"),
            currency=(body.get("amount") or {}).get("currency", "EUR"),
            checkout_url=((links.get("checkout") or {}).get("href") or ""),
            method=str(body.get("method") or ""),
            amount_refunded=_money(body.get("amountRefunded")) or Decimal("0.00"),
            paid_at=_datetime(body.get("paidAt")),
            expires_at=_datetime(body.get("expiresAt")),
            reference=str(metadata.get("reference", "")),
        )

    def _timeout(self) -> float:
        try:
            timeout = float(self.options.get("TIMEOUT", 10))
        except (TypeError, ValueError):
            timeout = 0.0
        if timeout <= 0:
            raise ConfigurationError(f"Mollie: {self._setting('TIMEOUT')} must be a positive number of seconds.")
        return timeout

    def _setting(self, name: str) -> str:
        return f'{SETTING_NAME}["PAYMENTS"]["OPTIONS"]["{name}"]'


def _is_payment_id(value: str) -> bool:
    return isinstance(value, str) and value.startswith("tr_") and 3 < len(value) <= 64 and value[3:].isalnum()


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value["value"])) if isinstance(value, dict) and "value" in value else None
    except (InvalidOperation, TypeError):
        return None


def _datetime(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
