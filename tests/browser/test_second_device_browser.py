"""Issue 16, in a real browser: the citizen's link opened on a second device (the citizen's phone, or whoever
got the invitation forwarded). It waits, seeing nothing; the clerk sees it and lets it in; it comes into the
room by itself and the first device is told its link does not work there any more. Axe on the waiting page
and on the clerk's notice."""

import pytest

from tests.browser.conftest import PageChecker, clerk_console, enter_the_room, select_conversation, wait_for
from tests.browser.test_conversation_browser import setup  # noqa: F401 - live site, seat, clerk, join link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari"


def test_the_clerk_lets_the_citizens_phone_in(browser, checked_page, setup):  # noqa: F811
    laptop = checked_page
    enter_the_room(laptop.page, setup["url"] + setup["join"])
    laptop.page.wait_for_selector("[data-balie-room]")

    phone_context = browser.new_context(locale="nl-BE", user_agent=PHONE, viewport={"width": 390, "height": 800})
    phone = PageChecker(phone_context.new_page())
    phone.page.goto(setup["url"] + setup["join"])
    phone.axe("the join link's page on a phone")
    phone.page.locator("[data-balie-join]").click()
    phone.page.locator("[data-balie-device-waiting]").wait_for()
    assert not phone.page.locator("[data-balie-room]").count()  # nothing of the conversation
    phone.axe("a second device waits for the clerk")

    clerk = clerk_console(browser, setup["url"], setup["seat"].pk)
    item = clerk.page.locator(".balie-queue__item", has_text="An Peeters")
    item.locator("[data-balie-devices]").wait_for(timeout=15000)  # the queue marks it
    conversation = select_conversation(clerk, item)
    notice = conversation.locator("[data-balie-device]")
    notice.wait_for(timeout=10000)
    assert "Chrome · Android" in notice.inner_text()
    clerk.axe("the clerk sees the other device")

    notice.get_by_role("button", name="Binnenlaten als de burger").click()
    phone.page.locator("[data-balie-room]").wait_for(timeout=15000)  # it reloads into the room by itself
    wait_for(lambda: "werkt niet" in laptop.page.locator("h1").inner_text(), 15)  # the laptop is signed out
    phone.axe("the phone, let in")
    assert not laptop.csp_violations and not phone.csp_violations and not clerk.csp_violations
    phone_context.close()
    clerk.page.context.close()
