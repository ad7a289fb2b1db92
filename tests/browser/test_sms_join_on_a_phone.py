"""A caller without e-mail joins from the link in their SMS, on a phone (390 px, touch), in their language."""

import re

import pytest

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import Service
from digitale_balie_plugin.models.choices import BookedVia
from tests.browser.conftest import PageChecker
from tests.browser.test_booking_journey import counter  # noqa: F401 - the live counter page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/manage/[\w-]+/\S*")


def test_from_the_sms_to_the_waiting_room_on_a_phone(browser, counter):  # noqa: F811 - the live counter page
    service = Service.objects.get(slug="identiteitskaart")
    slot = next(iter(free_slots(service)))
    booking.book_appointment(
        service,
        slot.start,
        booking.CitizenDetails(name="Maria Claes", phone="+32470123456", language="fr"),
        booked_via=BookedVia.PHONE,
    )
    [sms] = [message for message in DemoSmsProvider.outbox if message.to == "+32470123456"]
    assert "votre rendez-vous" in sms.body  # the caller's language
    link = LINK.search(sms.body).group(0)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-BE")
    page = phone.new_page()
    checked = PageChecker(page)
    page.goto(link)
    checked.axe("manage page from the SMS, on a phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing off the screen
    page.get_by_role("button", name="Vers l'appel vidéo").tap()
    page.wait_for_url("**/room/**")
    assert page.locator("html").get_attribute("lang") == "fr"
    checked.axe("waiting room on a phone")
    phone.close()
