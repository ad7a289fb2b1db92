"""Fixtures of the capability tests: a frozen Monday morning, a site with a service, a seat and a clerk.

Each test folder that mirrors a capability imports them in its ``conftest.py``; the browser tests (a live
server) and the integration contract tests do not, so their clock runs.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import SeatFactory, ServiceFactory, SiteFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
#: A Monday morning before opening time; every test that imports these fixtures runs "now".
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def site(db):
    return SiteFactory(is_default_site=True, hostname="localhost")


@pytest.fixture
def service(site):
    """20 minutes + 10 minutes buffer: slots at 09:00, 09:30 … 11:30 on one seat."""
    return ServiceFactory(site=site, name="Identiteitskaart aanvragen", slug="identiteitskaart", offers_phone=True)


@pytest.fixture
def seat(service):
    return SeatFactory(services_for=service)


@pytest.fixture
def counter_page(site):
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    page = DigitalCounterPage.objects.live().descendant_of(site.root_page).get()
    page.body = [("appointment_booking", {"heading": "Maak een afspraak", "intro": "", "services": []})]
    page.save_revision().publish()
    return page


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time on 2026-12-<day>."""
    return datetime.combine(NOW.date().replace(day=day), time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("sofie", password="pw", first_name="Sofie")


@pytest.fixture
def phone_session(seat, service, clerk, counter_page):
    """A phone conversation the clerk opened from the console (no appointment)."""
    from digitale_balie_plugin.calls import sessions

    return sessions.open_contact(seat, channel="phone", clerk=clerk, citizen_name="Jan", service=service)
