"""Payment requests end to end (demo provider), the clerk's form, refunds, receipts, expiry and access."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import ActionBusy, cancel, create_action, expire_overdue
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider
from digitale_balie_plugin.models import ActionStatus, AuditEvent, Payment, PaymentStatus
from digitale_balie_plugin.payments import service
from digitale_balie_plugin.payments.forms import RequestPaymentForm
from digitale_balie_plugin.signals import payment_status_changed

pytestmark = pytest.mark.django_db(transaction=True)

REQUEST = {"amount": Decimal("12.50"), "currency": "EUR", "description": "Uittreksel strafregister"}


@pytest.fixture
def request_(phone_session, clerk):
    return create_action(phone_session, "request_payment", REQUEST, by_user=clerk)


def citizen_with(action, counter_page):
    """A browser that typed the clerk's code."""
    client = Client()
    code = handover.issue_code(action)
    response = client.post(counter_page.url + "code/", {"code": code})
    assert response.status_code == 302 and response["Location"].endswith(f"/pay/{action.pk}/")
    return client


def pay_at_demo_checkout(client, counter_page, action, outcome="paid", email=""):
    response = client.post(counter_page.url + f"pay/{action.pk}/", {"email": email})
    assert response.status_code == 302, response.content.decode()[:500]
    checkout = response["Location"]
    assert "/digitale-balie/demo-checkout/demo_" in checkout
    page = client.get(checkout)
    assert page.status_code == 200 and "€ 12.50" in page.content.decode()
    back = client.post(checkout, {"outcome": outcome, "method": "bancontact"})
    assert back.status_code == 302 and back["Location"].endswith(f"/pay/{action.pk}/result/")
    return back["Location"]


# --- the clerk's form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "meer dan 0"),
        ("-5", "meer dan 0"),
        ("1000,01", "hoogstens € 1.000,00 zijn"),
        ("12,505", "twee cijfers na de komma"),
        ("1.250", "zoals 12,50"),
        ("twaalf", "zoals 12,50"),
        ("NaN", "zoals 12,50"),
    ],
)
def test_bad_amounts_get_a_clear_error_in_dutch(amount, message):
    form = RequestPaymentForm({"amount": amount, "description": "x"})
    assert not form.is_valid()
    assert message in " ".join(form.errors["amount"])


@pytest.mark.parametrize(("typed", "amount"), [("12,50", "12.50"), ("12.5", "12.50"), ("€ 1.000,00", "1000.00")])
def test_amounts_as_people_type_them(typed, amount):
    form = RequestPaymentForm({"amount": typed, "description": "Attest"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(amount) and form.cleaned_data["currency"] == "EUR"


def test_other_currencies_and_long_descriptions_are_refused():
    form = RequestPaymentForm({"amount": "5", "currency": "USD", "description": "x" * 242})
    assert not form.is_valid()
    assert "euro (EUR)" in " ".join(form.errors["currency"])
    assert "te lang" in " ".join(form.errors["description"])


def test_the_service_fee_is_filled_in(phone_session, service):
    from digitale_balie_plugin.actions.registry import action_type

    service.payment_amount = Decimal("7.00")
    service.payment_description = "Attest van woonst"
    service.save()
    phone_session.refresh_from_db()
    assert action_type("request_payment").clerk_initial(phone_session) == {
        "amount": "7,00",
        "description": "Attest van woonst",
    }


# --- the journey ----------------------------------------------------------------------------------


def test_phone_payment_with_a_code_paid_at_the_demo_checkout(request_, counter_page, clerk):
    seen = []
    payment_status_changed.connect(lambda **kw: seen.append(kw["status"]), weak=False, dispatch_uid="t1")
    client = citizen_with(request_, counter_page)
    page = client.get(counter_page.url + f"pay/{request_.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "€ 12,50" in text and "Sofie" in text and "Uittreksel strafregister" in text
    result_url = pay_at_demo_checkout(client, counter_page, request_, email="jan@example.be")
    result = client.get(result_url)
    assert 'data-balie-result="paid"' in result.content.decode()
    payment = Payment.objects.get()
    request_.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.method == "bancontact" and payment.paid_at
    assert payment.provider_payment_id.startswith("demo_")
    assert request_.status == ActionStatus.COMPLETED
    assert [m.to for m in mail.outbox] == [["jan@example.be"]]
    assert "DB-" in mail.outbox[0].subject and "€ 12,50" in mail.outbox[0].body
    assert seen == ["open", "paid"]
    events = set(AuditEvent.objects.filter(object_type="digitale_balie.payment").values_list("action", flat=True))
    assert {"payment.checkout_started", "payment.status", "payment.receipt_sent"} <= events
    payment_status_changed.disconnect(dispatch_uid="t1")


def test_the_receipt_is_sent_once(request_, counter_page):
    from digitale_balie_plugin.payments.receipts import send_receipt

    client = citizen_with(request_, counter_page)
    pay_at_demo_checkout(client, counter_page, request_, email="jan@example.be")
    assert len(mail.outbox) == 1
    assert send_receipt(Payment.objects.get().pk) is False and len(mail.outbox) == 1


def test_a_cancelled_checkout_can_be_tried_again_and_never_paid_twice(request_, counter_page):
    client = citizen_with(request_, counter_page)
    result_url = pay_at_demo_checkout(client, counter_page, request_, outcome="cancelled")
    page = client.get(result_url).content.decode()
    assert 'data-balie-result="failed"' in page and "Probeer opnieuw" in page
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CANCELLED
    request_.refresh_from_db()
    assert request_.status == ActionStatus.IN_PROGRESS  # still payable
    pay_at_demo_checkout(client, counter_page, request_)
    assert payment.attempts.count() == 2
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    response = client.post(counter_page.url + f"pay/{request_.pk}/", {})
    assert response.status_code == 302 and response["Location"].endswith("/result/")  # already paid
    assert payment.attempts.count() == 2


def test_pressing_pay_twice_reuses_the_open_checkout(request_, counter_page):
    client = citizen_with(request_, counter_page)
    first = client.post(counter_page.url + f"pay/{request_.pk}/", {})["Location"]
    second = client.post(counter_page.url + f"pay/{request_.pk}/", {})["Location"]
    assert first == second and Payment.objects.get().attempts.count() == 1


def test_a_pending_payment_says_so_and_becomes_paid(request_, counter_page, frozen_now):
    from datetime import timedelta

    client = citizen_with(request_, counter_page)
    result_url = pay_at_demo_checkout(client, counter_page, request_, outcome="pending")
    assert 'data-balie-result="pending"' in client.get(result_url).content.decode()
    status_url = result_url.replace("/result/", "/status/")
    assert client.get(status_url).json()["status"] == "pending"
    frozen_now.shift(timedelta(seconds=30))
    state = client.get(status_url).json()
    assert state["status"] == "paid" and state["final"] and state["paid"]


def test_provider_errors_reach_the_clerk_and_the_request_stays_retryable(request_, counter_page, monkeypatch):
    from digitale_balie_plugin.integrations.payments.base import PaymentError
    from digitale_balie_plugin.integrations.payments.demo import DemoPaymentProvider

    client = citizen_with(request_, counter_page)
    original = DemoPaymentProvider.create
    keys = []

    def failing(self, request):
        keys.append(request.idempotency_key)
        raise PaymentError()

    monkeypatch.setattr(DemoPaymentProvider, "create", failing)
    response = client.post(counter_page.url + f"pay/{request_.pk}/", {})
    assert response.status_code == 400 and "betaaldienst" in response.content.decode()
    payment = Payment.objects.get()
    assert payment.last_error and AuditEvent.objects.filter(action="payment.provider_error").exists()
    monkeypatch.setattr(
        DemoPaymentProvider,
        "create",
        lambda self, request: keys.append(request.idempotency_key) or original(self, request),
    )
    assert client.post(counter_page.url + f"pay/{request_.pk}/", {}).status_code == 302
    assert keys[0] == keys[1] and payment.attempts.count() == 1  # the retry replayed the same request


# --- expiry and withdrawal ------------------------------------------------------------------------


def test_an_open_checkout_keeps_the_request_alive_until_it_ends(request_, counter_page, frozen_now, clerk):
    from datetime import timedelta

    client = citizen_with(request_, counter_page)
    client.post(counter_page.url + f"pay/{request_.pk}/", {})
    with pytest.raises(ActionBusy):
        cancel(request_, by_user=clerk)
    frozen_now.shift(timedelta(hours=25))
    assert expire_overdue() == 0  # the citizen may be paying right now
    checkout = get_payments_provider()
    payment = Payment.objects.get()
    checkout.settle(payment.attempts.get().provider_payment_id, "expired")
    frozen_now.shift(timedelta(seconds=10))
    assert expire_overdue() == 1
    request_.refresh_from_db()
    assert request_.status == ActionStatus.EXPIRED


def test_a_withdrawn_request_cannot_be_paid(request_, counter_page, clerk):
    client = citizen_with(request_, counter_page)
    assert cancel(request_, by_user=clerk)
    response = client.get(counter_page.url + f"pay/{request_.pk}/")
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    assert client.post(counter_page.url + f"pay/{request_.pk}/", {}).status_code == 302
    assert not Payment.objects.get().attempts.exists()


# --- refunds --------------------------------------------------------------------------------------


@pytest.fixture
def paid(request_, counter_page):
    client = citizen_with(request_, counter_page)
    pay_at_demo_checkout(client, counter_page, request_)
    return Payment.objects.get()


def refund_command(client, session, payment, amount, reason="Te veel gevraagd"):
    url = reverse("digitale_balie_session_command", args=[session.seat_id, session.pk, "refund"])
    return client.post(
        url, {"action": payment.action_id, "amount": amount, "reason": reason}, HTTP_ACCEPT="application/json"
    )


def clerk_client(session, user, *permissions):
    group = Group.objects.create(name=f"g-{user.username}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter", *permissions]))
    session.seat.clerk_groups.add(group)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def test_refund_needs_the_permission(paid, phone_session, clerk):
    client = clerk_client(phone_session, clerk)
    assert refund_command(client, phone_session, paid, "5,00").status_code in (302, 403)  # Wagtail: to the dashboard
    paid.refresh_from_db()
    assert paid.amount_refunded == 0


def test_partial_and_full_refunds(paid, phone_session, clerk):
    client = clerk_client(phone_session, clerk, "refund_payment")
    assert refund_command(client, phone_session, paid, "5,00").status_code == 200
    response = refund_command(client, phone_session, paid, "8,00")
    assert response.status_code == 400 and "hoogstens € 7,50 terugbetalen" in str(response.json())
    assert refund_command(client, phone_session, paid, "7,50").status_code == 200
    paid.refresh_from_db()
    assert paid.amount_refunded == Decimal("12.50") and paid.refunds.count() == 2
    assert AuditEvent.objects.filter(action="payment.refunded", object_id=str(paid.pk)).count() == 2
    response = refund_command(client, phone_session, paid, "0,01")
    assert response.status_code == 400


def test_refund_reason_is_required(paid, phone_session, clerk):
    client = clerk_client(phone_session, clerk, "refund_payment")
    assert refund_command(client, phone_session, paid, "1,00", reason="").status_code == 400


def test_refunding_an_unpaid_request_is_refused(request_, clerk):
    payment = Payment.objects.get()
    with pytest.raises(CounterError):
        service.refund(payment, Decimal("1.00"), "x", by_user=clerk)


# --- the console and the finance report -----------------------------------------------------------


def test_the_clerk_requests_a_payment_from_the_console(phone_session, clerk):
    client = clerk_client(phone_session, clerk)
    url = reverse(
        "digitale_balie_session_command", args=[phone_session.seat_id, phone_session.pk, "action-request_payment"]
    )
    bad = client.post(url, {"amount": "0", "description": "Attest"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "meer dan 0" in bad.content.decode() and not Payment.objects.exists()
    assert (
        client.post(url, {"amount": "12,50", "description": "Attest"}, HTTP_ACCEPT="application/json").status_code
        == 200
    )
    payment = Payment.objects.get()
    assert payment.amount == Decimal("12.50") and payment.provider == "demo" and payment.reference.startswith("DB-")
    page = client.get(reverse("digitale_balie_console", args=[phone_session.seat_id])).content.decode()
    assert payment.reference in page and 'data-payment-status="requested"' in page


def test_finance_report_filters_and_exports(paid, django_user_model):
    finance = django_user_model.objects.create_user("fin", password="pw")
    finance.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_finance_report", "view_all_seats"])
    )  # finance staff see every seat's payments (without view_all_seats: their own seats', test_admin_scope.py)
    client = Client()
    client.force_login(finance)
    url = reverse("digitale_balie_finance_report")
    page = client.get(url, {"status": "paid"}).content.decode()
    assert paid.reference in page and paid.provider_payment_id in page and "€ 12,50" in page
    assert paid.reference not in client.get(url, {"status": "failed"}).content.decode()
    csv = client.get(url, {"export": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert csv.status_code == 200 and paid.reference in body and "Bancontact" in body and "12.50" in body
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_finance_report_needs_its_permission(paid, clerk):
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("digitale_balie_finance_report")).status_code in (302, 403)


@override_settings(DIGITALE_BALIE={"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "test_x"}}})
def test_the_demo_checkout_exists_only_with_the_demo_provider(client):
    assert client.get("/digitale-balie/demo-checkout/demo_abc/").status_code == 404


def test_receipt_addresses_are_cleared_after_the_retention_period(paid, frozen_now):
    from datetime import timedelta

    from digitale_balie_plugin.retention.job import apply_retention

    Payment.objects.filter(pk=paid.pk).update(receipt_email="jan@example.be")
    assert apply_retention()["payments"] == 0
    frozen_now.shift(timedelta(days=31))
    assert apply_retention()["payments"] == 1
    paid.refresh_from_db()
    assert paid.receipt_email == "" and paid.reference and paid.status == PaymentStatus.PAID
    assert AuditEvent.objects.filter(action="retention.applied", data__payments=1).exists()


def test_the_call_page_state_costs_the_same_queries_for_one_or_three_requests(appointment_in_room, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, session = appointment_in_room
    url = reverse("digitale_balie:room_state", args=[session.pk])

    def queries():
        client.get(url)  # fills the caches of the first poll after a change
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    create_action(session, "request_payment", REQUEST, by_user=clerk)
    one = queries()
    for _ in range(2):
        create_action(session, "request_payment", REQUEST, by_user=clerk)
    assert queries() == one


@pytest.fixture
def appointment_in_room(service, seat, counter_page):
    import re

    from digitale_balie_plugin.booking import service as booking
    from digitale_balie_plugin.models import CallSession
    from tests.fixtures import at

    booked = booking.book_appointment(service, at(7, 10), booking.CitizenDetails(name="A", email="a@example.be"))
    client = Client()
    body = next(m.body for m in mail.outbox if m.to == ["a@example.be"])
    client.post(re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", body).group(1))
    return client, CallSession.objects.get(appointment=booked.appointment)
