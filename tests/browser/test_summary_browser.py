"""The summary after the call, in a browser: from the call's end page and from the e-mail's link, in nl/fr/en,
axe-clean at 390 px and 1280 px, with a document downloaded each way.

The call is started and ended through the service (``calls.sessions``), not by clicking the console: what is
tested here is the citizen's side, and the console is being redesigned."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from django.core import mail

from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import CallSession
from tests.browser.conftest import PageChecker, enter_the_room, wait_for
from tests.factories import SeatFactory, ServiceFactory, SiteFactory
from tests.summary.conversation import act, book, summary_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOIN = re.compile(r"https?://[^/\s]+(/(?:[a-z]{2}/)?digitale-balie/join/[\w-]+/)")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 720}
HEADINGS = {
    "nl": "Samenvatting van uw gesprek",
    "fr": "Résumé de votre entretien",
    "en": "Summary of your conversation",
}


@pytest.fixture
def world(live_server, django_user_model, tmp_path, settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path / "documents")}
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Bouwadvies", slug="bouwadvies", min_lead_hours=0)
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    clerk = django_user_model.objects.create_user("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    return {"url": live_server.url, "seat": seat, "service": service, "clerk": clerk}


def check_both_widths(checker: PageChecker, label: str) -> None:
    for size in (PHONE, DESKTOP):
        checker.page.set_viewport_size(size)
        checker.axe(f"{label} at {size['width']} px")
        width = checker.page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{label}: horizontal scroll at {size['width']} px"


def download_first(checker: PageChecker) -> bytes:
    with checker.page.expect_download() as download:
        checker.page.locator("main a[download], .balie a[download]").first.click()
    return Path(download.value.path()).read_bytes()


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_summary_from_the_end_page_and_from_the_e_mail(language, browser, world, checked_page):
    slot = free_slots(world["service"])[0]
    appointment = book(world["service"], slot.start, language=language)
    body = next(m.body for m in mail.outbox if "/join/" in m.body)
    citizen = checked_page
    enter_the_room(citizen.page, world["url"] + JOIN.search(body).group(1))

    session = sessions.start_call(CallSession.objects.get(appointment=appointment), world["clerk"])
    act(session, world["clerk"])
    sessions.end_call(session, world["clerk"], outcome="resolved")

    offer = citizen.page.locator("[data-balie-summary]")
    offer.wait_for(state="visible", timeout=15000)
    check_both_widths(citizen, f"end page ({language})")
    offer.locator("a").click()
    citizen.page.wait_for_url("**/summary/")
    assert HEADINGS[language] in citizen.page.inner_text("h1")
    check_both_widths(citizen, f"summary from the end page ({language})")
    assert download_first(citizen)[:5] == b"%PDF-"

    [message] = [m for m in mail.outbox if "/summary/" in m.body]
    context = browser.new_context(locale="nl-BE")
    reader = PageChecker(context.new_page())
    reader.page.goto(world["url"] + summary_path(message.body))
    wait_for(lambda: HEADINGS[language] in reader.page.inner_text("h1"))
    assert "Sofie" in reader.page.inner_text(".balie")
    check_both_widths(reader, f"summary from the e-mail ({language})")
    assert download_first(reader)[:5] == b"%PDF-"
    context.close()
