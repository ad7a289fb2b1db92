"""The device test in Chromium with fake camera and microphone: granted, denied; axe on every state."""

import pytest

from tests.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def device_test_url(live_server):
    from digitale_balie_plugin.models import DigitalCounterPage

    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    return live_server.url + page.url + "device-test/"


def wait_for_state(page, name, value, seconds=15):
    page.locator(f"[data-balie-device-test][data-{name}='{value}']").wait_for(timeout=seconds * 1000)


def test_camera_microphone_and_speaker_pass_with_fake_devices(checked_page, device_test_url):
    page = checked_page.page
    page.context.grant_permissions(["camera", "microphone"])
    page.goto(device_test_url)
    wait_for_state(page, "support", "ok")
    checked_page.axe("device test")
    page.locator("[data-action=start]").click()
    wait_for_state(page, "camera", "ok")
    wait_for_state(page, "microphone", "ok")  # Chromium's fake microphone beeps
    assert page.evaluate("document.querySelector('[data-preview]').videoWidth") > 0
    page.locator("[data-action=sound]").click()
    page.locator("[data-action=heard]").click()
    wait_for_state(page, "speaker", "heard")
    assert page.locator("[data-result] [data-mark]").all_inner_texts() == ["✓ werkt"] * 3
    checked_page.axe("device test, all checks done")
    assert page.get_by_role("link", name="Probeer de videoruimte alleen").count() == 1


def test_denied_permission_shows_how_to_allow_it(browser, device_test_url):
    from tests.browser.conftest import PageChecker

    context = browser.new_context(locale="nl-BE")
    context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotAllowedError'));"
    )
    checker = PageChecker(context.new_page())
    page = checker.page
    page.goto(device_test_url)
    page.locator("[data-action=start]").click()
    wait_for_state(page, "camera", "denied")
    help_text = page.locator("[data-help=denied] [data-help=chrome]")
    assert help_text.is_visible() and "webadres" in help_text.inner_text()
    assert not page.locator("[data-help=denied] [data-help=firefox]").is_visible()
    checker.axe("device test, permission denied")
    context.close()
