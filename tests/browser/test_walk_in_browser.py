"""Walk-in counter in a real browser: two citizens take tickets, see their places, are served in order."""

import re
from datetime import time

import pytest

from digitale_balie_plugin.models import CallSession
from tests.browser.conftest import wait_for
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walk_in(live_server, django_user_model):
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Afvalkalender vragen", slug="afval", duration_minutes=10)
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    page.body = [("video_room", {"heading": "Praat nu met ons", "intro": "", "services": []})]
    page.save_revision().publish()
    clerk = django_user_model.objects.create_superuser("sofie", "s@example.be", "geheim-wachtwoord")
    return {"url": live_server.url, "page": page, "seat": seat, "clerk": clerk}


def take_ticket(checker, setup, name):
    page = checker.page
    page.goto(setup["url"] + setup["page"].url)
    page.locator("#walk-in-name").fill(name)
    page.locator("#walk-in-contact").fill(f"{name.lower()}@example.be")
    page.locator(".balie-walk-in button[type=submit]").click()
    page.wait_for_url("**/room/**")
    return page


def headline(page):
    return page.locator("[data-balie-headline]").inner_text()


def wait_for_text(page, pattern, seconds=10):
    wait_for(lambda: re.search(pattern, headline(page)), seconds)


def test_two_tickets_served_in_order(browser, walk_in, checked_page):
    from tests.browser.conftest import PageChecker

    checked_page.page.goto(walk_in["url"] + walk_in["page"].url)
    checked_page.axe("walk-in block")
    first = take_ticket(checked_page, walk_in, "Eerste")
    second_context = browser.new_context(locale="nl-BE")
    second = take_ticket(PageChecker(second_context.new_page()), walk_in, "Tweede")
    wait_for_text(first, r"\b1\b")
    wait_for_text(second, r"\b2\b")
    checked_page.axe("walk-in waiting room")

    from digitale_balie_plugin.calls import sessions

    one, two = CallSession.objects.order_by("ticket_number")
    sessions.start_call(one, walk_in["clerk"])
    first.locator("[data-balie-call]").wait_for(state="visible", timeout=10000)
    wait_for_text(second, r"\b2\b")  # the one in the call still counts
    sessions.end_call(one, walk_in["clerk"], outcome="resolved")
    wait_for_text(second, r"\b1\b")
    sessions.start_call(two, walk_in["clerk"])
    second.locator("[data-balie-call]").wait_for(state="visible", timeout=10000)
    second_context.close()
