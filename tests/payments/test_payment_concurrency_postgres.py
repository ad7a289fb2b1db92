"""Payments under concurrency, on PostgreSQL (row locks): double clicks and parallel webhook deliveries."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import responses
from django.conf import settings
from django.db import connection, connections
from django.test import Client, override_settings

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.models import AuditEvent, Payment, PaymentStatus
from digitale_balie_plugin.payments import service
from tests.conftest import require
from tests.integrations.payments.test_payment_contract import HAL, mollie_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 10
API = "https://api.mollie.com/v2"


@pytest.fixture(autouse=True)
def _postgres_only():
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (set BALIE_TEST_POSTGRES)")


def in_parallel(work):
    barrier = threading.Barrier(PARALLEL)

    def run(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(run, range(PARALLEL)))


def test_ten_simultaneous_pay_clicks_make_one_checkout(phone_session, clerk, counter_page):
    action = create_action(
        phone_session, "request_payment", {"amount": Decimal("12.50"), "description": "Attest"}, by_user=clerk
    )
    citizen = Client()
    citizen.post(counter_page.url + "code/", {"code": handover.issue_code(action)})
    cookie = citizen.cookies["sessionid"].value

    def click(index):
        client = Client(REMOTE_ADDR=f"10.0.0.{index + 1}")
        client.cookies["sessionid"] = cookie
        response = client.post(counter_page.url + f"pay/{action.pk}/", {})
        return response.get("Location") or (
            response.status_code,
            re.findall(r"role=.alert.[^>]*>([^<]*)", response.content.decode()),
        )

    locations = in_parallel(click)
    assert len(set(map(str, locations))) == 1 and locations[0], locations
    payment = Payment.objects.get()
    assert payment.attempts.count() == 1


def test_ten_parallel_webhook_deliveries_make_one_transition(phone_session, clerk, counter_page):
    mollie = {"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"}}}
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **mollie}), responses.RequestsMock() as api:
        action = create_action(
            phone_session, "request_payment", {"amount": Decimal("12.50"), "description": "Attest"}, by_user=clerk
        )
        payment = Payment.objects.get(action=action)
        api.post(f"{API}/payments", json=mollie_payment("open"), status=201, **HAL)
        urls = service.CheckoutUrls("https://stad.example/r/", "https://stad.example/r/", "")
        service.checkout(payment, language="nl", receipt_email="", urls=urls)
        api.get(f"{API}/payments/tr_7UhSN1zuXS", json=mollie_payment("paid", method="kbc"), **HAL)
        hook = "/digitale-balie/callbacks/payments/mollie/"
        statuses = in_parallel(lambda index: Client().post(hook, {"id": "tr_7UhSN1zuXS"}).status_code)
    assert statuses == [200] * PARALLEL
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    paid = AuditEvent.objects.filter(action="payment.status", object_id=str(payment.pk), data__status="paid")
    assert paid.count() == 1
