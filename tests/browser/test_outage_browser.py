"""While a service is away, in the browser: the waiting room keeps polling through 503s, says "reconnecting"
calmly, and carries on by itself when the server answers again; the 503 page is axe-clean in every language."""

import pytest

from tests.browser.conftest import PageChecker, enter_the_room, join_today, wait_for
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Parkeerkaart", slug="parkeerkaart")
    return {"url": live_server.url, "service": service, "seat": SeatFactory(services_for=service)}


def answers_503(route):
    """What errors.server_error answers while PostgreSQL or Redis is away."""
    route.fulfill(status=503, headers={"Retry-After": "30"}, json={"error": "unavailable", "messages": []})


def refused(route):
    """What the browser meets while its app server restarts: no answer at all."""
    route.abort("connectionrefused")


@pytest.mark.parametrize("away", [answers_503, refused], ids=["503", "server restarting"])
def test_the_waiting_room_rides_out_an_outage(world, browser, away):
    _appointment, join = join_today(world["service"], world["seat"])
    context = browser.new_context(locale="nl-BE")
    citizen = PageChecker(context.new_page())
    enter_the_room(citizen.page, world["url"] + join)
    room_url = citizen.page.url
    notice = citizen.page.locator("[data-balie-reconnecting]")
    assert notice.inner_text() == "" and not notice.is_visible()
    citizen.page.route("**/live/room/**", away)
    wait_for(lambda: notice.is_visible(), seconds=15)  # after two failed polls (3 s apart)
    assert notice.get_attribute("role") == "status" and notice.inner_text()
    citizen.axe("waiting room, reconnecting")
    citizen.page.unroute("**/live/room/**", away)  # the service (or the server) is back
    wait_for(lambda: not notice.is_visible(), seconds=15)
    assert citizen.page.url == room_url  # never reloaded into an error page
    context.close()


@pytest.mark.urls("tests.resilience.urls")
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_unavailable_page_is_accessible(world, browser, language):
    context = browser.new_context(locale=language)
    page = PageChecker(context.new_page())
    response = page.page.goto(world["url"] + ("/away/" if language == "nl" else f"/{language}/away/"))
    assert response.status == 503
    assert page.page.locator("html").get_attribute("lang") == language
    page.axe(f"503 page ({language})")
    context.close()
