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


def test_measure(browser, long_hours):
    base, counter_page = long_hours
    url = base + counter_page.url + "book/afvalkalender/"
    for width in (390, 1280):
        print(width, measure(browser, url, width))
