"""A clerk's whole day in the workspace, at 1280×720: a queue of five, a no-show, an early arrival, the call
(verify, pay, send a document, sign), the end with a follow-up appointment, then the next citizen.

Every state is checked with axe (WCAG 2.1 AA), for horizontal scroll, and — while a live update arrives — for
a jump of what the pointer rests on. With ``BALIE_DOCS_SCREENSHOTS=1`` the states are written to
``docs/img/clerk-*.png`` for ``docs/clerk.md`` (``make screenshots``), so the manual shows today's screens.
"""

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.models import Appointment, CallSession, SignatureRequest
from tests.browser.conftest import (
    clerk_console,
    enter_the_room,
    follow_into_new_tab,
    log_in_at_the_demo_provider,
    open_panel,
    select_conversation,
    signing_and_identity,
    wait_for,
)
from tests.factories import SeatFactory, ServiceFactory, SiteFactory, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRUSSELS = ZoneInfo("Europe/Brussels")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"
JAN = "85.04.12-123.69"  # the demo identity provider's Jan Peeters


@pytest.fixture
def day():
    """Tomorrow morning, the clock running: a working day whatever the hour the suite runs at."""
    tomorrow = (datetime.now(BRUSSELS) + timedelta(days=1)).date()
    with time_machine.travel(datetime.combine(tomorrow, time(7, 0), tzinfo=BRUSSELS), tick=True) as clock:
        yield tomorrow, clock


@pytest.fixture
def world(day, live_server, django_user_model, tmp_path, settings):
    from example_site.home.models import ContentPage

    date, clock = day
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(
        site=site,
        name="Parkeerkaart",
        slug="parkeerkaart",
        offers_phone=True,
        identity_level="high",
        needs_payment=True,
        payment_amount="10.00",
        payment_description="Bewonerskaart",
        what_to_prepare="Uw nummerplaat",
    )
    seat = SeatFactory(services_for=service, hours=((time(8, 0), time(17, 0)),))
    site.root_page.add_child(
        instance=ContentPage(title="Betalen", slug="betalen", body=[("payment", {"heading": "Betalen", "intro": ""})])
    )
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    with override_settings(**signing_and_identity(settings, live_server, tmp_path)):
        # The day's five, booked at 07:00; then the clock moves to 09:50.
        joins = {}
        for hour, minute, name, channel in (
            (9, 0, "Karel Wouters", "video"),
            (10, 0, "Jan Peeters", "video"),
            (10, 30, "Els Maes", "video"),
            (11, 0, "Piet Janssens", "video"),
            (11, 30, "Mevrouw Claes", "phone"),
        ):
            start = datetime.combine(date, time(hour, minute), tzinfo=BRUSSELS)
            citizen = booking.CitizenDetails(
                name=name, email=f"{name.split()[0].lower()}@example.be", question=f"Vraag van {name.split()[0]}"
            )
            booking.book_appointment(service, start, citizen, channel=channel)
            found = re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", mail.outbox[-1].body)
            joins[name] = found.group(1) if found else None
        clock.move_to(datetime.combine(date, time(9, 50), tzinfo=BRUSSELS))
        yield {"url": live_server.url, "seat": seat, "service": service, "tmp": tmp_path, "joins": joins}


class Workspace:
    """The clerk's page and what every state must pass."""

    def __init__(self, clerk):
        self.clerk = clerk
        self.page = clerk.page
        self.states = []

    @property
    def conversation(self):
        return self.page.locator("[data-balie-conversation]")

    def item(self, name):
        """The first queue row of ``name`` (a follow-up booked for later today is a second one)."""
        return self.page.locator(".balie-queue__item", has_text=name).first

    def select(self, name):
        return select_conversation(self.clerk, self.item(name))

    def check(self, state):
        """axe clean, no horizontal scroll, and (on request) a screenshot for the manual."""
        widths = self.page.evaluate(
            """() => { const w = document.querySelector('.balie-workspace');
                 return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                         w.scrollWidth, w.clientWidth]; }"""
        )
        assert widths[0] <= widths[1] and widths[2] <= widths[3], f"horizontal scroll in {state}: {widths}"
        self.clerk.axe(f"workspace: {state}")
        self.states.append(state)
        if os.environ.get("BALIE_DOCS_SCREENSHOTS"):
            DOCS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(DOCS / f"clerk-{re.sub(r'[^a-z]+', '-', state.lower()).strip('-')}.png"))


def still_under_the_pointer(page, selector, until, seconds=12):
    """Rest the pointer on ``selector`` and sample its place until ``until()`` holds: it must never move."""
    target = page.locator(selector)
    target.hover()
    start = target.bounding_box()
    moves = []

    def settled():
        box = target.bounding_box()
        if box is None or abs(box["y"] - start["y"]) > 0.5 or abs(box["x"] - start["x"]) > 0.5:
            moves.append(box)
        return until()

    wait_for(settled, seconds)
    assert not moves, f"{selector} moved under the pointer: {start} -> {moves[:3]}"


def a_pdf(path):
    path.write_bytes(make_pdf())
    return path


def test_a_day_at_the_counter(browser, world, checked_page):
    citizen = checked_page
    clerk = clerk_console(browser, world["url"], world["seat"].pk)
    clerk.page.set_viewport_size({"width": 1280, "height": 720})
    desk = Workspace(clerk)

    # 09:50: five on today's list; Karel (09:00) did not come.
    clerk.page.locator(".balie-queue__item").nth(4).wait_for()
    assert clerk.page.locator(".balie-queue__item").count() == 5
    desk.check("queue")
    karel = desk.select("Karel Wouters")
    assert "Vraag van Karel" in karel.inner_text()
    karel.locator("form[action$='/no-show/'] button").click()
    wait_for(lambda: desk.item("Karel Wouters").get_attribute("data-status") == "no_show")

    # Els (10:30) is chosen by keyboard; Jan (10:00) arrives early while the pointer rests on Els's start button.
    desk.item("Els Maes").locator("a").focus()
    clerk.page.keyboard.press("Enter")
    els_id = desk.item("Els Maes").get_attribute("data-session-id")
    clerk.page.locator(f"[data-balie-console][data-selected='{els_id}']").wait_for(timeout=10000)
    assert clerk.page.evaluate("document.activeElement.id") == "conversation-title"  # the focus follows
    desk.check("a conversation not started")
    enter_the_room(citizen.page, world["url"] + world["joins"]["Jan Peeters"])
    still_under_the_pointer(
        clerk.page,
        "form[action$='/start/'] button",
        lambda: desk.item("Jan Peeters").get_attribute("data-present") == "1",
    )
    assert desk.item("Jan Peeters").locator("[data-balie-early]").count() == 1
    desk.check("early arrival")

    # Jan's conversation: start early.
    jan = desk.select("Jan Peeters")
    assert jan.locator("[data-balie-early]").count() == 1
    jan.locator("form[action$='/start/'] button").click()
    wait_for(lambda: desk.item("Jan Peeters").get_attribute("data-status") == "in_call")
    citizen.page.locator("[data-balie-call]").wait_for(timeout=15000)
    desk.check("in a call")

    # Verify: one focused panel; Escape closes it and gives the focus back to its command.
    panel = open_panel(jan, "action-verify_identity")
    assert jan.locator("[data-balie-panel]:visible").count() == 1
    desk.check("verify panel open")
    panel.locator("input[name=expected_national_number]").press("Escape")
    assert panel.is_hidden()
    assert clerk.page.evaluate("document.activeElement.dataset.balieOpenPanel") == "action-verify_identity"
    panel = open_panel(jan, "action-verify_identity")
    panel.locator("input[name=expected_national_number]").fill(JAN)
    panel.locator("button[type=submit]").click()
    link = citizen.page.locator(".balie-action a[href*='/verify/']")
    link.wait_for(timeout=15000)
    consent = follow_into_new_tab(citizen, link)
    log_in_at_the_demo_provider(consent)
    consent.page.close()
    jan.locator(".balie-action-panel[data-status='completed']").wait_for(timeout=15000)

    # Pay.
    panel = open_panel(jan, "action-request_payment")
    panel.locator("input[name=amount]").fill("12,50")
    panel.locator("button[type=submit]").click()
    link = citizen.page.locator(".balie-action a[href*='/pay/']")
    link.wait_for(timeout=15000)
    checkout = follow_into_new_tab(citizen, link)
    checkout.page.locator("[data-balie-pay]").click()
    checkout.page.wait_for_url("**/demo-checkout/**")
    checkout.page.locator("#method-kbc").check()
    checkout.page.locator("button[value=paid]").click()
    checkout.page.locator("[data-balie-result=paid]").wait_for(timeout=15000)
    checkout.page.close()
    jan.locator(".balie-action-panel[data-payment-status='paid']").wait_for(timeout=15000)
    desk.check("verified and paid")

    # Send a document, then ask to sign it (the closed panel already lists the new document).
    documents = open_panel(jan, "action-exchange_documents")
    documents.locator("input[type=file]").set_input_files(a_pdf(world["tmp"] / "vergunning.pdf"))
    documents.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    citizen.page.locator("[data-balie-documents] a", has_text="vergunning.pdf").wait_for(timeout=15000)
    documents.locator("a", has_text="vergunning.pdf").wait_for(timeout=15000)
    sign = open_panel(jan, "action-request_signature")
    sign.locator("select[name=document]").select_option(label="vergunning.pdf")
    sign.locator("button[type=submit]").click()
    sign_link = citizen.page.locator(".balie-action a[href*='/sign/']")
    sign_link.wait_for(timeout=15000)
    signing = follow_into_new_tab(citizen, sign_link)
    signing.page.wait_for_url("**/sign/*/")
    if signing.page.locator("[data-balie-verify-first]").count():
        signing.page.locator("[data-balie-verify-first]").click()
        log_in_at_the_demo_provider(signing)
        signing.page.locator("[data-balie-continue]").click()
        signing.page.wait_for_url("**/sign/*/")
    signing.page.locator("#balie-agree").check()
    signing.page.locator("[data-balie-sign]").click()
    signing.page.locator("[data-balie-result=signed]").wait_for(timeout=20000)
    signing.page.close()
    jan.locator(".balie-action-panel[data-signed='1']").wait_for(timeout=15000)
    timeline = jan.locator("[data-balie-region^='timeline-']").inner_text()
    assert "vergunning.pdf" in timeline
    desk.check("signed")

    # End with a follow-up appointment.
    end = open_panel(jan, "end")
    end.locator("input[value=follow_up]").check()
    end.locator("select[name=follow_up_slot]").select_option(index=1)
    desk.check("end panel with a follow-up")
    end.locator("button[type=submit]").click()
    wait_for(lambda: desk.item("Jan Peeters").get_attribute("data-status") == "ended")
    session = CallSession.objects.get(citizen_name="Jan Peeters", status="ended")
    assert session.outcome == "follow_up" and session.follow_up_id
    assert Appointment.objects.filter(citizen_name="Jan Peeters").count() == 2
    if session.follow_up.start.date() == session.planned_start.date():  # later today: in the queue as well
        wait_for(lambda: clerk.page.locator(".balie-queue__item", has_text="Jan Peeters").count() == 2)
    assert SignatureRequest.objects.get().signed_at is not None

    # The next citizen.
    enter_the_room(citizen.page, world["url"] + world["joins"]["Piet Janssens"])
    wait_for(lambda: desk.item("Piet Janssens").get_attribute("data-present") == "1", 15)
    piet = desk.select("Piet Janssens")
    piet.locator("form[action$='/start/'] button").click()
    wait_for(lambda: desk.item("Piet Janssens").get_attribute("data-status") == "in_call")
    desk.check("next citizen")
    end = open_panel(piet, "end")
    end.locator("input[value=resolved]").check()
    end.locator("button[type=submit]").click()
    wait_for(lambda: desk.item("Piet Janssens").get_attribute("data-status") == "ended")
    desk.check("end of the morning")

    # The admin's dark theme (Wagtail follows the system's): the workspace takes Wagtail's colours along.
    clerk.page.emulate_media(color_scheme="dark")
    clerk.page.reload()
    clerk.page.locator(".balie-queue__item").first.wait_for()
    desk.check("dark theme")

    # On a phone-sized window (a clerk on a tablet or a narrow window): one column, still axe-clean.
    clerk.page.emulate_media(color_scheme="light")
    clerk.page.set_viewport_size({"width": 390, "height": 844})
    clerk.page.reload()
    clerk.page.locator(".balie-queue__item").first.wait_for()
    desk.check("narrow window")

    assert len(desk.states) == 12
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()
