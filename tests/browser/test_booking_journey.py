"""The whole citizen journey in a real browser, with axe-core (WCAG 2.1 AA) on every page."""

import re

import pytest
from django.core import mail

from digitale_balie_plugin.models import Appointment
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counter(live_server):
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    port = int(live_server.url.rsplit(":", 1)[1])
    site = SiteFactory(is_default_site=True, hostname="localhost", port=port)
    service = ServiceFactory(site=site, name="Identiteitskaart aanvragen", slug="identiteitskaart", min_lead_hours=0)
    SeatFactory(services_for=service)
    page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    page.body = [
        ("appointment_booking", {"heading": "Maak een afspraak", "intro": "<p>Kies uw vraag.</p>", "services": []})
    ]
    page.save_revision().publish()
    return live_server.url, page


def test_book_manage_reschedule_cancel(checked_page, counter):
    base, counter_page = counter
    page = checked_page.page
    page.goto(base + counter_page.url)
    checked_page.axe("counter page")

    page.get_by_role("link", name=re.compile("Identiteitskaart aanvragen")).click()
    page.wait_for_url("**/book/identiteitskaart/")
    checked_page.axe("choose a time")
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/details/**")
    checked_page.axe("details")

    page.get_by_role("button", name="Verder").click()  # everything empty: field errors
    assert page.get_by_text("Vul uw naam in").count() >= 1
    assert page.evaluate("document.activeElement.dataset.balieErrorSummary") == ""  # the summary has the focus
    checked_page.axe("details with errors")
    page.get_by_role("link", name="Vul uw naam in.").click()  # the summary's link puts the focus in the field
    assert page.evaluate("document.activeElement.id") == "id_name"

    page.get_by_label("Uw naam").fill("An Peeters")
    page.get_by_label("Uw e-mailadres").fill("an@example.be")
    page.get_by_label("Video").check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url("**/check/")
    assert Appointment.objects.count() == 0
    checked_page.axe("check your details")
    page.get_by_role("button", name="Boek de afspraak").click()
    page.wait_for_url("**/booked/**")
    checked_page.axe("confirmation")
    assert Appointment.objects.count() == 1

    manage_url = re.search(r"(https?://\S+/manage/[\w-]+/)", mail.outbox[0].body).group(1)
    page.goto(manage_url)
    checked_page.axe("manage")
    page.get_by_role("link", name="Kies een ander uur").click()
    checked_page.axe("reschedule")
    page.locator("input[name=slot]").nth(2).check()
    page.get_by_role("button", name="Verplaats de afspraak").click()
    page.wait_for_url(manage_url)
    checked_page.axe("manage after moving")

    page.get_by_role("link", name="Annuleer de afspraak").click()
    checked_page.axe("cancel")
    page.get_by_role("button", name=re.compile("Ja, annuleer")).click()
    page.wait_for_url(manage_url)
    assert Appointment.objects.get().status == "cancelled"
    checked_page.axe("manage after cancelling")

    page.goto(base + counter_page.url + "manage/" + "x" * 43 + "/")
    checked_page.axe("invalid link")


def test_booking_by_keyboard_alone_and_in_french(checked_page, counter):
    base, counter_page = counter
    page = checked_page.page
    page.goto(base + counter_page.url + "book/identiteitskaart/")
    page.get_by_role("link", name="Français").press("Enter")
    page.wait_for_url("**/fr/**")
    assert page.locator("html").get_attribute("lang") == "fr"
    checked_page.axe("choose a time (fr)")

    page.locator("input[name=slot]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/details/**")
    page.locator("#id_channel_0").focus()
    page.keyboard.press("Space")
    for text in ["Anne Dupont", "anne@example.be"]:
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url("**/check/")
    checked_page.axe("check your details (fr)")
    page.locator(".balie-form button[type=submit]").press("Enter")
    page.wait_for_url("**/booked/**")
    checked_page.axe("confirmation (fr)")
    assert Appointment.objects.get().language == "fr"


def test_axe_really_reports_violations(checked_page, live_server):
    """The accessibility check must be able to fail: a page with an unlabelled field fails it."""
    from axe_playwright_python.sync_playwright import Axe

    checked_page.page.set_content('<html lang="nl"><body><main><input type="text"></main></body></html>')
    results = Axe().run(checked_page.page, options={"runOnly": {"type": "tag", "values": ["wcag2a"]}})
    assert results.violations_count > 0
