"""A seat open all day (the demo's "always open" seat) offers hundreds of times: the booking page shows a
few days, grouped per day, and the citizen opens more days by a plain link (issue 15)."""

from datetime import time

import pytest

from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """
() => ({
  radios: document.querySelectorAll('input[name=slot]').length,
  visible: [...document.querySelectorAll('input[name=slot] + label')].filter((l) => l.checkVisibility()).length,
  height: document.documentElement.scrollHeight,
  scroll: document.documentElement.scrollWidth > window.innerWidth,
})
"""


@pytest.fixture
def long_hours(live_server):
    """Like the demo's seat 9: 10-minute appointments, open 00:00–23:55 every day."""
    port = int(live_server.url.rsplit(":", 1)[1])
    site = SiteFactory(is_default_site=True, hostname="localhost", port=port)
    service = ServiceFactory(
        site=site, name="Afvalkalender vragen", slug="afvalkalender", duration_minutes=10, buffer_minutes=0
    )
    SeatFactory(services_for=service, hours=((time(0), time(23, 55)),))
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    return live_server.url, DigitalCounterPage.objects.descendant_of(site.root_page).get()


def measure(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="nl-BE")
    page = context.new_page()
    page.goto(url)
    figures = page.evaluate(MEASURE)
    context.close()
    return figures


def test_a_seat_open_all_day_gives_a_short_booking_page(browser, long_hours):
    """Measured before the change (seven days, every time a button): 859 buttons, 25,773 px high at 390 px."""
    base, counter_page = long_hours
    url = base + counter_page.url + "book/afvalkalender/"
    phone = measure(browser, url, 390)
    assert phone["visible"] <= 2 * 36 and phone["radios"] <= 3 * 143, phone
    assert phone["height"] < 4000 and not phone["scroll"], phone
    assert measure(browser, url, 1280)["height"] < 2500


def test_more_days_and_parts_of_the_day_open_without_javascript(browser, long_hours):
    base, counter_page = long_hours
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + counter_page.url + "book/afvalkalender/")
    assert page.locator("fieldset.balie-day").count() == 3
    page.get_by_role("link", name="Toon meer dagen").click()
    page.wait_for_url("**days=6**")
    assert page.locator("fieldset.balie-day").count() == 6
    parts = page.locator("details.balie-day-part")
    closed = parts.nth(next(i for i in range(parts.count()) if parts.nth(i).get_attribute("open") is None))
    closed.locator("summary").click()
    closed.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/details/?slot=*")
    context.close()
