"""Arriving a day early (issue 15), in the browser and in nl, fr and en: the citizen who opens tomorrow's link
reads when the appointment is and when the room opens, gets the device test and the test room, and is in no
clerk's queue today; on a phone (390 px) and axe-clean."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.models import CallSession, SessionStatus
from tests.browser.conftest import PageChecker, enter_the_room
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRUSSELS = ZoneInfo("Europe/Brussels")
#: The start of the headline, with the day in the citizen's language.
SAYS = {"nl": "Uw afspraak is op", "fr": "Votre rendez-vous est le", "en": "Your appointment is on"}
TEST_ROOM = {"nl": "Probeer een videogesprek", "fr": "Essayez un appel vidéo", "en": "Try a video call"}


@pytest.fixture
def world(live_server, django_user_model):
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Parkeerkaart", slug="parkeerkaart")
    seat = SeatFactory(services_for=service, hours=((time(8, 0), time(17, 0)),))
    clerk = django_user_model.objects.create_superuser("sofie", "sofie@example.be", "pw", first_name="Sofie")
    return {"url": live_server.url, "service": service, "seat": seat, "clerk": clerk}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_tomorrows_link_today(world, browser, language):
    tomorrow = (datetime.now(BRUSSELS) + timedelta(days=1)).date()
    start = datetime.combine(tomorrow, time(10, 0), tzinfo=BRUSSELS)
    citizen = booking.CitizenDetails(name="An Peeters", email="an@example.be", language=language)
    booking.book_appointment(world["service"], start, citizen)
    join = re.search(r"https?://[^/]+((?:/[a-z]{2})?/digitale-balie/join/[\w-]+/)", mail.outbox[-1].body).group(1)

    context = browser.new_context(locale=language, viewport={"width": 390, "height": 844})
    page = PageChecker(context.new_page())
    enter_the_room(page.page, world["url"] + join)
    headline = page.page.locator("[data-balie-headline]").inner_text()
    assert headline.startswith(SAYS[language]) and "10:00" in headline and str(tomorrow.day) in headline
    assert page.page.locator("a[href*='device-test']").count() >= 1
    assert page.page.get_by_role("link", name=re.compile(TEST_ROOM[language])).count() == 1
    page.axe(f"room before the day ({language})")
    context.close()

    session = CallSession.objects.get()
    assert session.status == SessionStatus.EXPECTED and session.waiting_since is None
    desk = Client()
    desk.force_login(world["clerk"])
    queue = desk.get(reverse("digitale_balie_console", args=[world["seat"].pk])).content.decode()
    assert "An Peeters" not in queue  # today's queue: nobody waits for them
