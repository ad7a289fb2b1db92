"""The device test in Chromium with fake camera and microphone: passed, denied, missing, busy, unsupported.

axe (WCAG 2.1 AA) runs on every state; ``PageChecker.axe`` also fails on any CSP violation seen so far.
"""

import pytest

from tests.browser.conftest import PageChecker
from tests.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DENY = "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('test', '{error}'));"


@pytest.fixture
def counter(live_server):
    """As in test_booking_journey: a default site on the live server's port, with its counter page."""
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    port = int(live_server.url.rsplit(":", 1)[1])
    site = SiteFactory(is_default_site=True, hostname="localhost", port=port)
    page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    return live_server.url, page


@pytest.fixture
def device_test_url(counter):
    base, page = counter
    return base + page.url + "device-test/"


@pytest.fixture
def new_checker(browser):
    """Fresh contexts (``clear_permissions``, init scripts), closed after the test."""
    contexts = []

    def make(init_script=None):
        context = browser.new_context(locale="nl-BE")
        contexts.append(context)
        context.clear_permissions()
        if init_script:
            context.add_init_script(init_script)
        return PageChecker(context.new_page())

    yield make
    for context in contexts:
        context.close()


def wait_for_state(page, name, value, seconds=15):
    page.locator(f"[data-balie-device-test][data-{name}='{value}']").wait_for(timeout=seconds * 1000)


def summary(page):
    return [text.strip() for text in page.locator("[data-summary] li:visible").all_inner_texts()]


def test_camera_microphone_and_speaker_pass_with_fake_devices(checked_page, device_test_url):
    page = checked_page.page
    page.context.grant_permissions(["camera", "microphone"])
    page.goto(device_test_url)
    wait_for_state(page, "support", "ok")
    assert page.locator("[data-balie-device-test]").get_attribute("data-browser") == "chrome"
    assert page.locator("[data-balie-device-test]").get_attribute("data-os") == "desktop"
    assert not page.locator("[data-summary]").is_visible()
    checked_page.axe("device test, before the start")

    page.locator("[data-action=start]").focus()
    page.keyboard.press("Enter")  # keyboard alone, here and below
    wait_for_state(page, "camera", "ok")
    wait_for_state(page, "microphone", "ok")  # Chromium's fake microphone beeps
    assert page.evaluate("document.querySelector('[data-preview]').videoWidth") > 0
    assert page.evaluate("document.querySelector('[data-preview]').srcObject.active")
    assert page.locator("[data-status=heard]").is_visible()
    assert page.locator("[data-devices=videoinput]").locator("option").count() >= 1
    assert page.locator("[data-devices=audioinput]").locator("option").count() >= 1
    page.wait_for_function("() => document.querySelector('[data-level]').value > 10", timeout=5000)  # the meter moves
    checked_page.axe("device test, camera and microphone running")

    page.locator("[data-action=sound]").press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focus moved on to "Yes, I heard it"
    wait_for_state(page, "speaker", "heard")
    wait_for_state(page, "test", "finished")
    rows = summary(page)
    assert len(rows) == 4 and all(row.startswith("✓") for row in rows), rows
    assert page.locator("[data-verdict=ok]").is_visible()
    assert page.evaluate("document.querySelector('[data-preview]').srcObject") is None  # tracks stopped
    assert page.locator("[data-balie-device-test] [aria-live='polite'] [data-summary]").count() == 1
    checked_page.axe("device test, all checks done")
    assert page.locator("a[href$='/device-test/room/']").count() == 1


def test_switching_the_microphone_restarts_the_check(checked_page, device_test_url):
    page = checked_page.page
    page.goto(device_test_url)
    page.locator("[data-action=start]").click()
    wait_for_state(page, "microphone", "ok")
    microphones = page.locator("[data-devices=audioinput]")
    values = microphones.locator("option").evaluate_all("options => options.map(option => option.value)")
    other = next((value for value in values if value != microphones.input_value()), None)
    if other is None:
        pytest.skip("this Chromium has a single fake microphone")
    microphones.select_option(other)
    wait_for_state(page, "microphone", "ok")
    in_use = "document.querySelector('[data-preview]').srcObject.getAudioTracks()[0].getSettings().deviceId"
    assert page.evaluate(in_use) == other


def test_denied_permission_shows_how_to_allow_it_in_chrome(new_checker, device_test_url):
    checker = new_checker(DENY.format(error="NotAllowedError"))
    page = checker.page
    page.goto(device_test_url)
    page.locator("[data-action=start]").click()
    wait_for_state(page, "camera", "denied")
    wait_for_state(page, "microphone", "denied")
    denied = page.locator("[data-help=denied]")
    assert denied.is_visible()
    visible = denied.locator("[data-variant]:visible")
    assert visible.count() == 1 and visible.inner_text().strip()
    assert visible.get_attribute("data-browser") == "chrome" and visible.get_attribute("data-os") == "desktop"
    assert not page.locator("[data-step=devices]").is_visible()
    checker.axe("device test, permission denied")

    page.locator("[data-action=sound]").click()  # the speaker test needs no permission
    page.locator("[data-action=not-heard]").click()
    wait_for_state(page, "test", "finished")
    assert page.locator("[data-balie-device-test]").get_attribute("data-speaker") == "not-heard"
    rows = summary(page)
    assert [row[0] for row in rows] == ["✓", "✗", "✗", "✗"], rows
    assert page.locator("[data-help=not-heard]").is_visible()
    assert not page.locator("[data-verdict=ok]").is_visible()
    checker.axe("device test, finished with problems")


@pytest.mark.parametrize(("error", "state"), [("NotFoundError", "missing"), ("NotReadableError", "busy")])
def test_missing_or_busy_device_shows_its_help(new_checker, device_test_url, error, state):
    checker = new_checker(DENY.format(error=error) + "navigator.mediaDevices.enumerateDevices = async () => [];")
    page = checker.page
    page.goto(device_test_url)
    page.locator("[data-action=start]").click()
    wait_for_state(page, "camera", state)
    assert page.locator(f"[data-help={state}]").is_visible()
    assert not page.locator("[data-help=denied]").is_visible()
    checker.axe(f"device test, {state}")


def test_only_the_microphone_is_missing(new_checker, device_test_url):
    """No camera at all: the microphone is still tested on its own."""
    checker = new_checker(
        "const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);"
        "navigator.mediaDevices.getUserMedia = (c) => c.video ? Promise.reject(new DOMException('x', 'NotFoundError'))"
        " : real(c);"
        "const list = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);"
        "navigator.mediaDevices.enumerateDevices = async () => (await list()).filter(d => d.kind !== 'videoinput');"
    )
    page = checker.page
    page.context.grant_permissions(["microphone"])
    page.goto(device_test_url)
    page.locator("[data-action=start]").click()
    wait_for_state(page, "camera", "missing")
    wait_for_state(page, "microphone", "ok")
    assert page.locator("[data-help=missing]").is_visible()
    assert not page.locator("[data-devices=videoinput]").is_visible()


def test_unsupported_browser_is_told_so(new_checker, device_test_url):
    checker = new_checker("delete window.RTCPeerConnection;")
    page = checker.page
    page.goto(device_test_url)
    wait_for_state(page, "support", "unsupported")
    assert page.locator("[data-help=unsupported]").is_visible()
    assert not page.locator("[data-action=start]").is_visible()
    checker.axe("device test, unsupported browser")
