"""Playwright driving Debian's Chromium (browser downloads are impossible here), plus axe-core."""

import os
import shutil

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    require(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class PageChecker:
    """Wraps a Playwright page: collects CSP violations and runs axe on demand."""

    def __init__(self, page):
        self.page = page
        self.csp_violations = []
        self.checked = []
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def axe(self, label: str):
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        self.checked.append(label)
        assert results.violations_count == 0, f"axe on {label} ({self.page.url}):\n{results.generate_report()}"
        assert not self.csp_violations, f"CSP violations on {label}: {self.csp_violations}"


@pytest.fixture
def checked_page(browser):
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    yield PageChecker(page)
    context.close()


def wait_for(check, seconds=10):
    """Poll from Python: the strict CSP forbids Playwright's string predicates (they need eval)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def clerk_console(browser, base_url, seat_id, username="sofie", password="geheim-wachtwoord"):  # noqa: S107
    """A clerk's own browser context, logged in, on the console of ``seat_id``."""
    context = browser.new_context(locale="nl-BE")
    clerk = PageChecker(context.new_page())
    clerk.page.goto(base_url + "/admin/login/")
    clerk.page.fill("#id_username", username)
    clerk.page.fill("#id_password", password)
    clerk.page.locator("button[type=submit]").click()
    clerk.page.wait_for_url("**/admin/")
    clerk.page.goto(base_url + f"/admin/digitale-balie/counter/{seat_id}/")
    return clerk


def open_panel(conversation, slug):
    """Open one of the selected conversation's focused panels (``message``, ``action-request_payment``…)
    by its command, as a clerk would; returns the panel."""
    panel = conversation.locator(f"[data-balie-panel='{slug}']")
    if not panel.is_visible():
        conversation.locator(f"[data-balie-open-panel='{slug}']").click()
    panel.wait_for(timeout=10000)
    return panel


def select_conversation(clerk, item):
    """Choose a queue item (a locator of ``.balie-queue__item``); returns the workspace's conversation column."""
    session_id = item.get_attribute("data-session-id")
    conversation = clerk.page.locator("[data-balie-conversation]")
    if clerk.page.locator(f"[data-balie-console][data-selected='{session_id}']").count():
        return conversation  # already the selected one (a click would swap it again while the test acts)
    item.locator("a").click()
    clerk.page.locator(f"[data-balie-console][data-selected='{session_id}']").wait_for(timeout=10000)
    return conversation


def open_phone_conversation(clerk, service):
    """The clerk opens a phone conversation from the console; returns the workspace's conversation column."""
    clerk.page.locator("[data-balie-open-contact] > summary").click()
    clerk.page.select_option("#id_channel", "phone")
    clerk.page.fill("#id_citizen_name", "Jan")
    clerk.page.select_option("#id_service", str(service.pk))
    clerk.page.locator("form[action$='/contact/'] button[type=submit]").click()
    item = clerk.page.locator(".balie-queue__item[data-status='in_call']").first
    item.wait_for(timeout=10000)
    return select_conversation(clerk, item)


def join_today(service, seat, name="Jan", email="jan@example.be"):
    """An appointment in today's queue and its join link: the first free time of today, booked (with its
    e-mail); late in the evening, when that is tomorrow, an appointment of this hour (the citizen is late).
    Returns ``(appointment, join path)``."""
    import re
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from digitale_balie_plugin.booking import service as booking
    from digitale_balie_plugin.booking.availability import free_slots
    from digitale_balie_plugin.models import AccessToken, Appointment

    slot = free_slots(service)[0]
    if timezone.localdate(slot.start) == timezone.localdate():
        booked = booking.book_appointment(service, slot.start, booking.CitizenDetails(name=name, email=email))
        join = re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", mail.outbox[-1].body).group(1)
        return booked.appointment, join
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    length = timedelta(minutes=service.duration_minutes)
    appointment = Appointment.objects.create(
        site_id=service.site_id,
        service=service,
        seat=seat,
        start=start,
        end=start + length,
        reserved_until=start + length,
        citizen_name=name,
        email=email,
    )
    return appointment, f"/digitale-balie/join/{appointment.issue_token(AccessToken.Purpose.JOIN)}/"


def enter_the_room(page, url: str) -> None:
    """Open a join or guest link and press its button, as a citizen does (opening it alone takes nothing)."""
    page.goto(url)
    page.locator("[data-balie-join]").click()
    page.wait_for_url("**/room/**")


def citizen_waiting_for_clerk(browser, base_url, seat, service, citizen):
    """Jan has an appointment today and waits in the room; the clerk's console shows him present.

    Returns ``(clerk, conversation)``: the workspace with Jan's conversation selected.
    """
    _appointment, join = join_today(service, seat)
    enter_the_room(citizen.page, base_url + join)
    clerk = clerk_console(browser, base_url, seat.pk)
    item = clerk.page.locator(".balie-queue__item[data-present='1']")
    item.wait_for(timeout=15000)
    return clerk, select_conversation(clerk, item)


def follow_into_new_tab(citizen, link) -> "PageChecker":
    """Click a link of the call page that opens a new tab (the call goes on in the first one)."""
    with citizen.page.context.expect_page() as opened:
        link.click()
    return PageChecker(opened.value)


def signing_and_identity(settings, live_server, tmp_path) -> dict:
    """Settings for a conversation that verifies and signs: documents in ``tmp_path``, a demo seal certificate,
    and the demo OpenID Connect provider served by the live server (pass them to ``override_settings``)."""
    from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
    from example_site.settings.demo_idp import DEMO_CLIENT_ID, demo_client_private_jwks, demo_idp_settings

    make_demo_chain(tmp_path / "seal.p12", "geheim")
    idp = demo_idp_settings(tmp_path, live_server.url)
    signing = {"PKCS12_PATH": str(tmp_path / "seal.p12"), "PKCS12_PASSPHRASE": "geheim"}
    return {
        "DIGITALE_BALIE": {
            **settings.DIGITALE_BALIE,
            "DOCUMENTS_ROOT": str(tmp_path / "documents"),
            "SIGNING": {"BACKEND": "pyhanko", "OPTIONS": signing},
        },
        "DEMO_IDP": idp,
        "SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT": idp["ISSUER"],
        "SOCIAL_AUTH_BALIE_DEMO_KEY": DEMO_CLIENT_ID,
        "SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS": demo_client_private_jwks(tmp_path),
    }


def log_in_at_the_demo_provider(citizen, person="jan-peeters"):
    """On the consent page: choose the demo identity provider, pick a test person, confirm; ends on the result."""
    citizen.page.locator("[data-provider=balie-demo]").click()
    citizen.page.wait_for_url("**/demo-idp/authorize**")
    citizen.page.locator(f"#person-{person}").check()
    citizen.page.locator("#level-advanced").check()
    citizen.page.locator("button[value=confirm]").click()
    citizen.page.wait_for_url("**/result/")
