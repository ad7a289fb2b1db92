"""After the call: the clerk ends it, the citizen answers the survey on their own page, and the answer shows
in the clerk's feedback report and on the dashboard; axe on every citizen page, by keyboard where it counts."""

from datetime import time

import pytest

from digitale_balie_plugin.models import Feedback
from tests.browser.conftest import citizen_waiting_for_clerk, open_panel, wait_for
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, django_user_model):
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Bewonerskaart", slug="bewonerskaart")
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    return {"url": live_server.url, "seat": seat, "service": service}


def test_end_the_call_answer_the_survey_see_it_in_the_report(browser, world, checked_page):
    citizen = checked_page
    citizen.page.context.grant_permissions(["camera", "microphone"])
    clerk, row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    feedback_section = citizen.page.locator("[data-balie-feedback]")
    assert feedback_section.is_hidden()  # not while waiting

    row.locator("form[action$='/start/'] button").click()
    citizen.page.locator("[data-balie-call]").wait_for(timeout=10000)
    open_panel(row, "end")
    clerk.page.locator("form[action$='/end/'] input[value=resolved]").check()
    clerk.page.locator("form[action$='/end/'] button").click()

    feedback_section.wait_for(state="visible", timeout=10000)  # the page updates by itself
    citizen.axe("call page after the end, with the survey invitation")
    feedback_section.get_by_role("link", name="Geef uw mening").click()
    citizen.page.wait_for_url("**/feedback/**")
    citizen.axe("survey")

    citizen.page.get_by_role("button", name="Verstuur mijn antwoord").click()  # nothing chosen yet
    citizen.page.locator("#balie-form-errors").wait_for()
    assert "Beantwoord eerst minstens één vraag" in citizen.page.inner_text("#balie-form-errors")
    citizen.axe("survey with an error")

    # By keyboard: a radio group is one tab stop, the arrow keys choose within it.
    citizen.page.get_by_label("Heel makkelijk").focus()
    citizen.page.keyboard.press("Space")
    citizen.page.get_by_label("Heel tevreden").check()
    citizen.page.get_by_label("Ja").check()
    citizen.page.get_by_label("Een halfuur tot een uur").check()
    citizen.page.get_by_label("Wilt u ons nog iets vertellen?").fill("Heel vlot, geen verplaatsing nodig.")
    citizen.page.get_by_label("Wilt u ons nog iets vertellen?").press("Tab")
    citizen.page.keyboard.press("Tab")  # past the tick box, to the button
    citizen.page.keyboard.press("Enter")
    citizen.page.get_by_text("Bedankt voor uw antwoord").first.wait_for()
    citizen.axe("thank you")

    feedback = wait_for(lambda: Feedback.objects.first())
    assert (feedback.ease, feedback.satisfaction, feedback.use_again, feedback.time_saved) == (5, 5, "yes", "under_60")
    assert feedback.session is None and feedback.service == world["service"]

    clerk.page.goto(world["url"] + "/admin/digitale-balie/feedback/")
    report = clerk.page.inner_text("main")
    assert "Heel vlot, geen verplaatsing nodig." in report and "Bewonerskaart" in report
    assert "tevredenheid 5,0" in report
    clerk.page.goto(world["url"] + "/admin/digitale-balie/figures/")
    assert clerk.page.inner_text("[data-figure=satisfaction]") == "5,0"
    assert clerk.page.inner_text("[data-figure=conversations]") == "1"
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()
