"""Mollie's webhook against our view: the body is never trusted, statuses move forward only, once.

Mollie is faked at the HTTP boundary (``responses``) with its documented payment resource; the
webhook is posted as Mollie posts it (form-encoded ``id=tr_…``).
"""

from decimal import Decimal

import pytest
import requests
import responses
from django.core import mail
from django.test import Client, override_settings

from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.models import ActionStatus, AuditEvent, Payment, PaymentStatus
from digitale_balie_plugin.payments import service
from digitale_balie_plugin.signals import payment_status_changed
from tests.integrations.payments.test_payment_contract import HAL, mollie_payment

pytestmark = pytest.mark.django_db(transaction=True)

API = "https://api.mollie.com/v2"
MOLLIE = {"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"}}}
HOOK = "/digitale-balie/callbacks/payments/mollie/"
ID = "tr_7UhSN1zuXS"


@pytest.fixture(autouse=True)
def mollie():
    from django.conf import settings

    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **MOLLIE}), responses.RequestsMock() as mocked:
        yield mocked


@pytest.fixture
def payment(phone_session, clerk, counter_page, mollie):
    """A request the citizen took to Mollie's checkout (an open Mollie payment)."""
    action = create_action(
        phone_session, "request_payment", {"amount": Decimal("12.50"), "description": "Attest"}, by_user=clerk
    )
    payment = Payment.objects.get(action=action)
    payment.receipt_email = "jan@example.be"
    payment.save()
    mollie.post(f"{API}/payments", json=mollie_payment("open"), status=201, **HAL)
    urls = service.CheckoutUrls("https://stad.example/r/", "https://stad.example/r/", "https://stad.example" + HOOK)
    assert service.checkout(payment, language="nl", receipt_email="", urls=urls).startswith("https://www.mollie.com/")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN
    return payment


def status_is(mollie, status, **extra):
    """What Mollie answers to GET /v2/payments/{id} from now on."""
    mollie.upsert(responses.GET, f"{API}/payments/{ID}", json=mollie_payment(status, **extra), **HAL)


def hook(data):
    return Client().post(HOOK, data)


PAID = {"method": "bancontact", "paidAt": "2026-12-07T07:03:00+00:00"}


def transitions(payment):
    return list(
        AuditEvent.objects.filter(action="payment.status", object_id=str(payment.pk))
        .order_by("timestamp", "pk")
        .values_list("data__status", flat=True)
    )


def test_a_paid_webhook_is_applied_after_asking_mollie(payment, mollie):
    status_is(mollie, "paid", **PAID)
    assert hook({"id": ID}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.method == "bancontact"
    payment.action.refresh_from_db()
    assert payment.action.status == ActionStatus.COMPLETED
    assert [m.to for m in mail.outbox] == [["jan@example.be"]]
    assert mollie.calls[-1].request.method == "GET" and mollie.calls[-1].request.url.endswith(ID)


def test_status_fields_in_the_body_are_ignored(payment, mollie):
    status_is(mollie, "open")
    assert hook({"id": ID, "status": "paid", "amount": "12.50", "paidAt": "2026-12-07"}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and not payment.paid_at and not mail.outbox


def test_a_forged_id_changes_nothing_and_costs_no_api_call(payment, mollie):
    calls = len(mollie.calls)
    for forged in ("tr_SomeoneElse1", "tr_" + "A" * 40):
        assert hook({"id": forged}).status_code == 200
    assert len(mollie.calls) == calls
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN


@pytest.mark.parametrize("body", [{}, {"id": ""}, {"id": "re_4qqhO89gsT"}, {"id": "tr_<script>"}])
def test_a_malformed_call_gets_400_with_a_reason(payment, body):
    response = hook(body)
    assert response.status_code == 400 and b"tr_" in response.content


def test_an_unknown_provider_in_the_url_is_404(payment):
    assert Client().post("/digitale-balie/callbacks/payments/stripe/", {"id": ID}).status_code == 404
    assert Client().post("/digitale-balie/callbacks/payments/demo/", {"id": ID}).status_code == 404


def test_ten_duplicate_deliveries_make_exactly_one_transition(payment, mollie):
    seen = []
    payment_status_changed.connect(lambda **kw: seen.append(kw["status"]), weak=False, dispatch_uid="dup")
    status_is(mollie, "paid", **PAID)
    try:
        for _ in range(10):
            assert hook({"id": ID}).status_code == 200
    finally:
        payment_status_changed.disconnect(dispatch_uid="dup")
    assert transitions(payment) == ["open", "paid"]  # "open" came from the checkout's creation
    assert seen == ["paid"] and len(mail.outbox) == 1


def test_out_of_order_deliveries_never_go_back(payment, mollie):
    status_is(mollie, "paid", **PAID)
    hook({"id": ID})
    status_is(mollie, "open")  # a stale answer (replica lag, a replayed request)
    assert hook({"id": ID}).status_code == 200
    status_is(mollie, "failed")
    assert hook({"id": ID}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert transitions(payment) == ["open", "paid"]


def test_pending_then_paid(payment, mollie):
    status_is(mollie, "pending")
    hook({"id": ID})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    status_is(mollie, "paid", **PAID)
    hook({"id": ID})
    assert transitions(payment) == ["open", "pending", "paid"]


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.ConnectTimeout("connect timed out")},
        {"body": requests.ReadTimeout("read timed out")},
        {"json": {"status": 503, "title": "Service Unavailable", "detail": "Try later"}, "status": 503},
        {"json": {"status": 429, "title": "Too Many Requests", "detail": "Slow down"}, "status": 429},
        {"body": "<html>Bad gateway</html>", "status": 502},
    ],
)
def test_when_mollie_cannot_be_asked_the_webhook_answers_non_2xx_so_mollie_retries(payment, mollie, failure):
    mollie.upsert(responses.GET, f"{API}/payments/{ID}", **failure)
    response = hook({"id": ID})
    assert response.status_code == 503
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN
    status_is(mollie, "paid", **PAID)  # Mollie's retry, later
    assert hook({"id": ID}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_an_amount_that_differs_from_the_request_is_never_marked_paid(payment, mollie):
    status_is(mollie, "paid", amount={"value": "0.01", "currency": "EUR"}, **PAID)
    assert hook({"id": ID}).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN
    assert AuditEvent.objects.filter(action="payment.amount_mismatch").exists()


def test_a_refund_made_in_mollies_dashboard_is_followed(payment, mollie):
    status_is(mollie, "paid", **PAID)
    hook({"id": ID})
    status_is(mollie, "paid", amountRefunded={"value": "2.50", "currency": "EUR"}, **PAID)
    hook({"id": ID})
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.50") and payment.status == PaymentStatus.PAID


def test_a_checkout_retried_after_a_timeout_uses_the_same_idempotency_key(phone_session, clerk, counter_page, mollie):
    action = create_action(
        phone_session, "request_payment", {"amount": Decimal("5.00"), "description": "Attest"}, by_user=clerk
    )
    payment = Payment.objects.get(action=action)
    urls = service.CheckoutUrls("https://stad.example/r/", "https://stad.example/r/", "")
    mollie.post(f"{API}/payments", body=requests.ReadTimeout("read timed out"))
    from digitale_balie_plugin.integrations.payments.base import PaymentError

    with pytest.raises(PaymentError):
        service.checkout(payment, language="nl", receipt_email="", urls=urls)
    mollie.replace(
        responses.POST,
        f"{API}/payments",
        json=mollie_payment("open", amount={"value": "5.00", "currency": "EUR"}),
        status=201,
        **HAL,
    )
    service.checkout(payment, language="nl", receipt_email="", urls=urls)
    keys = [call.request.headers["Idempotency-Key"] for call in mollie.calls if call.request.method == "POST"]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert payment.attempts.count() == 1


def test_the_pay_page_lets_its_form_end_at_mollies_checkout_only(phone_session, clerk, counter_page):
    from digitale_balie_plugin.actions import handover

    action = create_action(
        phone_session, "request_payment", {"amount": Decimal("12.50"), "description": "Attest"}, by_user=clerk
    )
    citizen = Client()
    citizen.post(counter_page.url + "code/", {"code": handover.issue_code(action)})
    policy = citizen.get(counter_page.url + f"pay/{action.pk}/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert "https://www.mollie.com" in form_action and "unsafe-inline" not in policy
    other = citizen.get(counter_page.url + "code/")["Content-Security-Policy"]
    assert "mollie" not in other


def test_the_integrations_status_page_shows_the_payment_provider(admin_client):
    page = admin_client.get("/admin/digitale-balie/status/").content.decode()
    assert "Mollie" in page and ("testsleutel" in page or "test key" in page)
