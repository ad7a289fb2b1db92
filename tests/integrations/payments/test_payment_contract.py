"""Payment providers: one contract every provider's tests inherit, then each provider's own cases.

Mollie is checked at the HTTP boundary (``responses``) against its documented Payments API v2:
field names and types of what we send (amount as a string with two decimals, redirect/cancel/webhook
URLs, locale, methods, metadata, the Idempotency-Key header) and of what it answers (``tr_`` ids,
``_links.checkout.href``, statuses, ``amountRefunded``, ``paidAt``), and its error format
(``status``, ``title``, ``detail``, ``field``).
"""

import json
from decimal import Decimal

import pytest
import requests
import responses
from django.test import RequestFactory, override_settings

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.payments.base import (
    CheckoutRequest,
    InvalidCallback,
    PaymentError,
    PaymentProvider,
    PaymentRejected,
    ProviderPayment,
    ProviderStatus,
    RefundStatus,
    format_amount,
)
from digitale_balie_plugin.integrations.payments.demo import DemoPaymentProvider
from digitale_balie_plugin.integrations.payments.mollie import MollieProvider
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider, registry

REQUEST = CheckoutRequest(
    amount=Decimal("12.50"),
    currency="EUR",
    description="Uittreksel strafregister (DB-ABCD2345)",
    reference="DB-ABCD2345",
    idempotency_key="key-1234567890",
    return_url="https://stad.example/balie/pay/7/result/",
    cancel_url="https://stad.example/balie/pay/7/result/",
    webhook_url="https://stad.example/digitale-balie/callbacks/payments/mollie/",
    language="fr",
)
API = "https://api.mollie.com/v2"


def webhook_post(fields):
    return RequestFactory().post("/hook/", fields)


class PaymentProviderContract:
    """What every payment provider must do (the payment service and the webhook view rely on it)."""

    identifier = ""
    options: dict = {}

    def provider(self) -> PaymentProvider:
        with override_settings(DIGITALE_BALIE={"PAYMENTS": {"BACKEND": self.identifier, "OPTIONS": self.options}}):
            return get_payments_provider()

    def created(self) -> ProviderPayment:
        """Override this: ``create(REQUEST)`` with the provider's answer for an open payment arranged."""
        raise NotImplementedError

    def test_registered_under_its_id(self):
        assert registry.get_class(self.identifier).identifier == self.identifier

    def test_create_returns_an_open_payment_with_a_checkout_url(self):
        payment = self.created()
        assert payment.status == ProviderStatus.OPEN
        assert payment.checkout_url.startswith(("https://", "http://"))
        assert payment.amount == Decimal("12.50") and payment.currency == "EUR"

    def test_a_webhook_without_an_id_is_refused(self):
        with pytest.raises(InvalidCallback):
            self.provider().parse_webhook(webhook_post({"status": "paid"}))

    def test_check_config_never_raises(self):
        assert isinstance(self.provider().check_config(), list)


def test_statuses_only_move_forward():
    assert ProviderStatus.OPEN.may_become(ProviderStatus.PAID)
    assert ProviderStatus.OPEN.may_become(ProviderStatus.PENDING)
    assert not ProviderStatus.PENDING.may_become(ProviderStatus.OPEN)
    assert not ProviderStatus.PAID.may_become(ProviderStatus.OPEN)
    assert not ProviderStatus.PAID.may_become(ProviderStatus.FAILED)  # final is final
    assert not ProviderStatus.OPEN.may_become(ProviderStatus.OPEN)
    assert format_amount(Decimal("12.5")) == "12.50" and format_amount(Decimal("1000")) == "1000.00"


class TestDemoProvider(PaymentProviderContract):
    identifier = "demo"

    def created(self):
        return self.provider().create(REQUEST)

    def test_the_same_idempotency_key_returns_the_same_payment(self):
        first, second = self.created(), self.created()
        assert first.provider_payment_id == second.provider_payment_id

    def test_the_tester_decides_and_fetch_tells(self):
        provider = self.provider()
        payment = provider.create(REQUEST)
        assert "/digitale-balie/demo-checkout/" in payment.checkout_url
        provider.settle(payment.provider_payment_id, "paid", "kbc")
        fetched = provider.fetch(payment.provider_payment_id)
        assert fetched.status == ProviderStatus.PAID and fetched.method == "kbc" and fetched.paid_at
        with pytest.raises(PaymentRejected):
            provider.settle(payment.provider_payment_id, "failed")  # a paid payment stays paid

    def test_a_refund_cannot_exceed_what_was_paid(self):
        provider = self.provider()
        payment = provider.create(REQUEST)
        provider.settle(payment.provider_payment_id, "paid")
        refund = provider.refund(payment.provider_payment_id, Decimal("10.00"), "EUR", "x", "r1")
        assert refund.status == RefundStatus.REFUNDED
        with pytest.raises(PaymentRejected):
            provider.refund(payment.provider_payment_id, Decimal("2.51"), "EUR", "x", "r2")
        assert provider.fetch(payment.provider_payment_id).amount_refunded == Decimal("10.00")


# --- Mollie ---------------------------------------------------------------------------------------


def mollie_payment(status="open", **extra):
    """A payment resource as documented for GET/POST /v2/payments."""
    body = {
        "resource": "payment",
        "id": "tr_7UhSN1zuXS",
        "mode": "test",
        "createdAt": "2026-12-07T08:00:00+00:00",
        "amount": {"value": "12.50", "currency": "EUR"},
        "description": REQUEST.description,
        "method": None,
        "metadata": {"reference": "DB-ABCD2345"},
        "status": status,
        "isCancelable": False,
        "expiresAt": "2026-12-07T08:15:00+00:00",
        "profileId": "pfl_QkEhN94Ba",
        "sequenceType": "oneoff",
        "redirectUrl": REQUEST.return_url,
        "webhookUrl": REQUEST.webhook_url,
        "_links": {
            "self": {"href": f"{API}/payments/tr_7UhSN1zuXS", "type": "application/hal+json"},
            "checkout": {"href": "https://www.mollie.com/checkout/select-method/7UhSN1zuXS", "type": "text/html"},
            "documentation": {"href": "https://docs.mollie.com/reference/create-payment", "type": "text/html"},
        },
    }
    body.update(extra)
    return body


def mollie_error(status, detail, field=None):
    body = {
        "status": status,
        "title": {400: "Bad Request", 401: "Unauthorized Request", 404: "Not Found", 422: "Unprocessable Entity"}.get(
            status, "Error"
        ),
        "detail": detail,
        "_links": {"documentation": {"href": "https://docs.mollie.com/overview/handling-errors", "type": "text/html"}},
    }
    if field:
        body["field"] = field
    return body


HAL = {"content_type": "application/hal+json"}


class TestMollie(PaymentProviderContract):
    identifier = "mollie"
    options = {"API_KEY": "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", "COUNTRY": "BE"}

    @responses.activate
    def created(self):
        responses.post(f"{API}/payments", json=mollie_payment(), status=201, **HAL)
        return self.provider().create(REQUEST)

    @responses.activate
    def test_create_sends_the_documented_fields(self):
        responses.post(f"{API}/payments", json=mollie_payment(), status=201, **HAL)
        payment = self.provider().create(REQUEST)
        sent = responses.calls[0].request
        body = json.loads(sent.body)
        assert body["amount"] == {"currency": "EUR", "value": "12.50"}  # a string, two decimals
        assert body["description"] == REQUEST.description
        assert body["redirectUrl"] == REQUEST.return_url and body["cancelUrl"] == REQUEST.cancel_url
        assert body["webhookUrl"] == REQUEST.webhook_url
        assert body["locale"] == "fr_BE"
        assert body["method"] == ["bancontact", "kbc", "belfius", "creditcard"]
        assert body["metadata"] == {"reference": "DB-ABCD2345"}
        assert sent.headers["Idempotency-Key"] == "key-1234567890"
        assert sent.headers["Authorization"] == "Bearer test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
        assert payment.provider_payment_id == "tr_7UhSN1zuXS"
        assert payment.checkout_url == "https://www.mollie.com/checkout/select-method/7UhSN1zuXS"
        assert payment.reference == "DB-ABCD2345"

    @responses.activate
    def test_without_a_webhook_url_none_is_sent(self):
        from dataclasses import replace

        responses.post(f"{API}/payments", json=mollie_payment(), status=201, **HAL)
        self.provider().create(replace(REQUEST, webhook_url="", language="nl"))
        body = json.loads(responses.calls[0].request.body)
        assert "webhookUrl" not in body and body["locale"] == "nl_BE"

    @responses.activate
    def test_configured_methods_and_country(self):
        responses.post(f"{API}/payments", json=mollie_payment(), status=201, **HAL)
        with override_settings(
            DIGITALE_BALIE={
                "PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {**self.options, "METHODS": "ideal", "COUNTRY": "NL"}}
            }
        ):
            get_payments_provider().create(REQUEST)
        body = json.loads(responses.calls[0].request.body)
        assert body["method"] == ["ideal"] and body["locale"] == "fr_FR"

    @responses.activate
    @pytest.mark.parametrize(
        ("mollie_status", "ours"),
        [
            ("open", ProviderStatus.OPEN),
            ("pending", ProviderStatus.PENDING),
            ("authorized", ProviderStatus.AUTHORIZED),
            ("paid", ProviderStatus.PAID),
            ("canceled", ProviderStatus.CANCELLED),
            ("expired", ProviderStatus.EXPIRED),
            ("failed", ProviderStatus.FAILED),
        ],
    )
    def test_fetch_maps_every_documented_status(self, mollie_status, ours):
        responses.get(f"{API}/payments/tr_7UhSN1zuXS", json=mollie_payment(mollie_status), **HAL)
        assert self.provider().fetch("tr_7UhSN1zuXS").status == ours

    @responses.activate
    def test_fetch_reads_a_paid_payment(self):
        paid = mollie_payment(
            "paid",
            method="bancontact",
            paidAt="2026-12-07T08:03:11+00:00",
            amountRefunded={"value": "2.50", "currency": "EUR"},
            amountRemaining={"value": "10.00", "currency": "EUR"},
        )
        responses.get(f"{API}/payments/tr_7UhSN1zuXS", json=paid, **HAL)
        payment = self.provider().fetch("tr_7UhSN1zuXS")
        assert payment.method == "bancontact" and payment.amount_refunded == Decimal("2.50")
        assert payment.paid_at.isoformat() == "2026-12-07T08:03:11+00:00"

    def test_fetch_refuses_what_is_not_a_payment_id_without_calling(self):
        with pytest.raises(PaymentRejected):
            self.provider().fetch("../../refunds")

    @responses.activate
    def test_refund_sends_the_documented_fields(self):
        responses.post(
            f"{API}/payments/tr_7UhSN1zuXS/refunds",
            json={
                "resource": "refund",
                "id": "re_4qqhO89gsT",
                "amount": {"currency": "EUR", "value": "5.00"},
                "status": "pending",
                "createdAt": "2026-12-07T09:00:00+00:00",
                "description": "Te veel betaald (DB-ABCD2345)",
                "paymentId": "tr_7UhSN1zuXS",
            },
            status=201,
            **HAL,
        )
        refund = self.provider().refund("tr_7UhSN1zuXS", Decimal("5"), "EUR", "Te veel betaald (DB-ABCD2345)", "rkey")
        sent = responses.calls[0].request
        assert json.loads(sent.body)["amount"] == {"currency": "EUR", "value": "5.00"}
        assert sent.headers["Idempotency-Key"] == "rkey"
        assert refund.provider_refund_id == "re_4qqhO89gsT" and refund.status == RefundStatus.PENDING

    @responses.activate
    def test_a_refused_request_is_rejected_with_mollies_reason(self):
        responses.post(
            f"{API}/payments",
            json=mollie_error(422, "The amount is higher than the maximum", field="amount"),
            status=422,
            **HAL,
        )
        with pytest.raises(PaymentRejected) as caught:
            self.provider().create(REQUEST)
        assert caught.value.detail == "The amount is higher than the maximum" and caught.value.field_name == "amount"

    @responses.activate
    @pytest.mark.parametrize("status", [401, 409, 429, 500, 503])
    def test_errors_worth_retrying_are_payment_errors_not_rejections(self, status):
        responses.post(f"{API}/payments", json=mollie_error(status, "nope"), status=status, **HAL)
        with pytest.raises(PaymentError) as caught:
            self.provider().create(REQUEST)
        assert not isinstance(caught.value, PaymentRejected)

    @responses.activate
    def test_a_proxy_error_page_and_a_timeout_are_payment_errors(self):
        responses.post(f"{API}/payments", body="<html>502 Bad Gateway</html>", status=502)
        with pytest.raises(PaymentError):
            self.provider().create(REQUEST)
        responses.get(f"{API}/payments/tr_7UhSN1zuXS", body=requests.Timeout("read timed out"))
        with pytest.raises(PaymentError):
            self.provider().fetch("tr_7UhSN1zuXS")

    def test_the_webhook_reads_only_the_id(self):
        notices = self.provider().parse_webhook(webhook_post({"id": "tr_7UhSN1zuXS", "status": "paid"}))
        assert [n.provider_payment_id for n in notices] == ["tr_7UhSN1zuXS"]
        assert not hasattr(notices[0], "status")
        for forged in ({"id": "re_123"}, {"id": "tr_../x"}, {"id": ""}):
            with pytest.raises(InvalidCallback):
                self.provider().parse_webhook(webhook_post(forged))

    def test_a_bad_key_names_the_setting(self):
        with override_settings(DIGITALE_BALIE={"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "sk_x"}}}):
            provider = get_payments_provider()
            with pytest.raises(ConfigurationError, match=r'\["PAYMENTS"\]\["OPTIONS"\]\["API_KEY"\]'):
                provider.create(REQUEST)
            assert provider.check_config()

    def test_a_test_key_warns(self):
        from digitale_balie_plugin.integrations.registry import ConfigWarning

        problems = self.provider().check_config()
        assert problems and all(isinstance(problem, ConfigWarning) for problem in problems)

    def test_the_checkout_origin_is_mollies(self):
        assert MollieProvider().checkout_origins() == ["https://www.mollie.com"]
        assert DemoPaymentProvider().checkout_origins() == []
