"""A finished request loses its "I have read it" button (issue 15).

The button was hidden with the ``hidden`` attribute, but ``.balie-button { display: inline-block }`` outranks
the browser's ``[hidden] { display: none }``: it stayed on screen after the citizen had used it.
"""

import pytest

from digitale_balie_plugin.actions import service as actions
from digitale_balie_plugin.models import CallSession, InCallAction
from tests.browser.conftest import enter_the_room
from tests.browser.test_conversation_browser import setup  # noqa: F401 - live site, seat, clerk, join link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_read_button_goes_once_the_request_is_done(checked_page, setup):  # noqa: F811
    page = checked_page.page
    enter_the_room(page, setup["url"] + setup["join"])
    session = CallSession.objects.get()
    actions.create_action(session, "share_message", {"text": "Lees de voorwaarden."}, by_user=setup["clerk"])
    page.reload()
    read = page.get_by_role("button", name="Ik heb het gelezen")
    read.wait_for(state="visible")
    read.click()
    page.wait_for_function("() => document.querySelector('[data-balie-actions] li[data-status=completed]')")
    assert InCallAction.objects.get().status == "completed"
    assert not page.get_by_role("button", name="Ik heb het gelezen").is_visible()
    checked_page.axe("room with a finished request")
