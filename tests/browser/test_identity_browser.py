"""Strong identity verification in two browser contexts, on the phone channel and on the video channel.

The identity provider is the example site's demo OpenID Connect server (``example_site.demo_idp``,
served by the same live server), reached through the real itsme code path of our backend:
private_key_jwt, encrypted ID token and UserInfo, acr, national number. The clerk's console must show
"verified" and "matches the expected person: yes" without a reload; axe runs on every citizen page.
"""

import re
from datetime import time

import pytest
from django.test import override_settings

from digitale_balie_plugin.models import ActionStatus, IdentityVerification
from tests.browser.conftest import (
    citizen_waiting_for_clerk,
    clerk_console,
    follow_into_new_tab,
    log_in_at_the_demo_provider,
    open_panel,
    open_phone_conversation,
    wait_for,
)
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JAN = "85041212369"


@pytest.fixture
def world(live_server, django_user_model, tmp_path):
    from digitale_balie_plugin.cms.models import DigitalCounterPage
    from example_site.home.models import ContentPage
    from example_site.settings.demo_idp import DEMO_CLIENT_ID, demo_client_private_jwks, demo_idp_settings

    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(
        site=site, name="Uittreksel strafregister", slug="strafregister", offers_phone=True, identity_level="high"
    )
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    counter = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    code_page = site.root_page.add_child(
        instance=ContentPage(
            title="Toon wie u bent",
            slug="code",
            body=[("identity_verification", {"heading": "Typ uw code", "intro": ""})],
        )
    )
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    idp = demo_idp_settings(tmp_path, live_server.url)
    settings = {
        "DEMO_IDP": idp,
        "SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT": idp["ISSUER"],
        "SOCIAL_AUTH_BALIE_DEMO_KEY": DEMO_CLIENT_ID,
        "SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS": demo_client_private_jwks(tmp_path),
    }
    with override_settings(**settings):
        yield {"url": live_server.url, "seat": seat, "service": service, "counter": counter, "code_page": code_page}


def request_verification(row, expected_number=JAN):
    form = open_panel(row, "action-verify_identity").locator("form[action$='/action-verify_identity/']")
    form.locator("input[name=expected_national_number]").fill(expected_number)
    form.locator("button[type=submit]").click()
    row.locator("[data-balie-handover]").wait_for(timeout=10000)


def verified_on_console(clerk):
    panel = clerk.page.locator(".balie-action-panel[data-status='completed']")
    panel.wait_for(timeout=15000)  # the console refreshes itself: no reload
    text = panel.inner_text()
    assert "Jan Peeters" in text and panel.locator("[data-field=matches]").get_attribute("data-value") == "yes"
    return text


def test_phone_call_verification_with_a_code(browser, world, checked_page):
    clerk = clerk_console(browser, world["url"], world["seat"].pk)
    row = open_phone_conversation(clerk, world["service"])
    request_verification(row)
    row.locator("form[action$='/code/'] button").click()
    code = wait_for(lambda: row.locator("[data-field=code]").count() and row.locator("[data-field=code]").inner_text())
    assert re.fullmatch(r"[2-9A-Z]{4} [2-9A-Z]{4}", code)

    citizen = checked_page
    citizen.page.goto(world["url"] + world["code_page"].url)
    citizen.axe("code page")
    citizen.page.fill("#balie_code_code", code.replace(" ", "").lower())
    citizen.page.locator(".balie-code-form button[type=submit]").click()
    citizen.page.wait_for_url("**/verify/*/")
    assert "Sofie" in citizen.page.inner_text("main, body")
    citizen.axe("consent page")
    log_in_at_the_demo_provider(citizen)
    assert citizen.page.locator("[data-balie-result=verified]").count() == 1
    citizen.axe("result page")

    verified_on_console(clerk)
    verification = IdentityVerification.objects.get()
    assert verification.action.status == ActionStatus.COMPLETED and verification.level == "high"
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()


def test_video_call_verification_with_the_button_in_the_waiting_room(browser, world, checked_page):
    citizen = checked_page
    clerk, row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    request_verification(row)

    link = citizen.page.locator(".balie-action a[href*='/verify/']")
    link.wait_for(timeout=10000)
    citizen.axe("waiting room with the request")
    consent = follow_into_new_tab(citizen, link)
    consent.page.wait_for_url("**/verify/*/")
    consent.axe("consent page from the call")
    log_in_at_the_demo_provider(consent)
    consent.axe("result page from the call")

    verified_on_console(clerk)
    citizen.page.locator(".balie-action[data-status='completed']").wait_for(timeout=10000)
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()
