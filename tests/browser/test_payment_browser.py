"""Payments in two browser contexts: on the phone channel with a code, and from the video room.

The clerk requests €12.50; the citizen's browser goes to the demo provider's checkout (a full
redirect, another page), pays, comes back to a page that tells the real status; the clerk's panel
turns to "paid" without a reload; the receipt e-mail is sent; the clerk refunds. axe runs on every
page a citizen sees.
"""

from datetime import time

import pytest
from django.core import mail

from digitale_balie_plugin.models import ActionStatus, Payment, PaymentStatus
from tests.browser.conftest import (
    citizen_waiting_for_clerk,
    clerk_console,
    follow_into_new_tab,
    open_panel,
    open_phone_conversation,
    wait_for,
)
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, django_user_model):
    from example_site.home.models import ContentPage

    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(
        site=site,
        name="Parkeervergunning",
        slug="parkeervergunning",
        offers_phone=True,
        needs_payment=True,
        payment_amount="10.00",
        payment_description="Bewonerskaart",
    )
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    pay_page = site.root_page.add_child(
        instance=ContentPage(
            title="Betalen",
            slug="betalen",
            body=[("payment", {"heading": "Betalen met een code", "intro": ""})],
        )
    )
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    return {"url": live_server.url, "seat": seat, "service": service, "pay_page": pay_page}


def request_payment(row, amount="12,50", description="Bewonerskaart parkeren"):
    form = open_panel(row, "action-request_payment").locator("form[action$='/action-request_payment/']")
    assert form.locator("input[name=amount]").input_value() == "10,00"  # the service's fee, filled in
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=description]").fill(description)
    form.locator("button[type=submit]").click()
    row.locator(".balie-action-panel[data-payment-status='requested']").wait_for(timeout=10000)


def pay_at_the_demo_checkout(citizen, email=None):
    assert "€ 12,50" in citizen.page.inner_text("main, body")
    citizen.axe("pay page")
    if email is not None:
        citizen.page.fill("#id_email", email)
    citizen.page.locator("[data-balie-pay]").click()
    citizen.page.wait_for_url("**/digitale-balie/demo-checkout/**")  # a full redirect to the provider's page
    citizen.axe("demo checkout")
    citizen.page.locator("#method-kbc").check()
    citizen.page.locator("button[value=paid]").click()
    citizen.page.wait_for_url("**/pay/*/result/")
    citizen.page.locator("[data-balie-result=paid]").wait_for(timeout=10000)
    citizen.axe("payment result page")


def paid_on_console(clerk):
    panel = clerk.page.locator(".balie-action-panel[data-payment-status='paid']")
    panel.wait_for(timeout=15000)  # the console refreshes itself: no reload
    return panel


def test_phone_payment_with_a_code_then_a_refund(browser, world, checked_page):
    clerk = clerk_console(browser, world["url"], world["seat"].pk)
    row = open_phone_conversation(clerk, world["service"])
    request_payment(row)
    navigations = []
    clerk.page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == clerk.page.main_frame else None
    )
    row.locator("form[action$='/code/'] button").click()
    code = wait_for(lambda: row.locator("[data-field=code]").count() and row.locator("[data-field=code]").inner_text())

    citizen = checked_page
    citizen.page.goto(world["url"] + world["pay_page"].url)
    citizen.axe("payment code page")
    citizen.page.fill("#balie_code_code", code)
    citizen.page.locator(".balie-code-form button[type=submit]").click()
    citizen.page.wait_for_url("**/pay/*/")
    pay_at_the_demo_checkout(citizen, email="jan@example.be")

    panel = paid_on_console(clerk)
    assert "KBC/CBC-betaalknop" in panel.inner_text() and not navigations  # updated in place, the method by name
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and payment.amount == 12.5
    assert payment.action.status == ActionStatus.COMPLETED
    wait_for(lambda: [m.to for m in mail.outbox] == [["jan@example.be"]])

    panel.locator("details.balie-refund summary").click()
    panel.locator("input[name=amount]").fill("2,50")
    panel.locator("input[name=reason]").fill("Te veel gevraagd")
    panel.locator("details.balie-refund button[type=submit]").click()
    clerk.page.locator(".balie-action-panel [data-field=refunded]").wait_for(timeout=10000)
    payment.refresh_from_db()
    assert str(payment.amount_refunded) == "2.50"
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()


def test_video_call_payment_with_the_button_in_the_waiting_room(browser, world, checked_page):
    citizen = checked_page
    clerk, row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    request_payment(row)

    link = citizen.page.locator(".balie-action a[href*='/pay/']")
    link.wait_for(timeout=10000)
    assert "12,50" in link.inner_text()
    citizen.axe("waiting room with the payment request")
    tab = follow_into_new_tab(citizen, link)
    tab.page.wait_for_url("**/pay/*/")
    assert tab.page.locator("#id_email").count() == 0  # the appointment's address gets the receipt
    pay_at_the_demo_checkout(tab)

    paid_on_console(clerk)
    citizen.page.locator(".balie-action[data-status='completed']").wait_for(timeout=10000)
    wait_for(lambda: any(m.to == ["jan@example.be"] and "DB-" in m.subject for m in mail.outbox))
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()
