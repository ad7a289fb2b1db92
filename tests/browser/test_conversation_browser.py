"""Citizen and clerk in two browser contexts: waiting room, message, call (with a stand-in Jitsi), end.

No Jitsi server is reachable here: the provider is the real Jitsi provider (tokens minted for real),
and the browser's request for its ``external_api.js`` is answered by a stand-in that records the
options it was given and the commands it receives.
"""

import jwt
import pytest
from django.test import override_settings

from digitale_balie_plugin.models import CallSession
from tests.browser.conftest import clerk_console, enter_the_room, join_today, open_panel, select_conversation, wait_for
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "meet.test.example"
SECRET = "test-app-secret-that-is-long-enough-0123456789abcdef"
VIDEO = {
    "BACKEND": "jitsi",
    "OPTIONS": {"DEPLOYMENT": "self_hosted", "DOMAIN": DOMAIN, "APP_ID": "balie", "APP_SECRET": SECRET},
}

FAKE_EXTERNAL_API = """
window.__jitsi = [];
window.JitsiMeetExternalAPI = class {
  constructor(domain, options) {
    this.record = { domain, roomName: options.roomName, jwt: options.jwt, displayName: options.userInfo.displayName,
                    commands: [] };
    window.__jitsi.push(this.record);
    const stand_in = document.createElement("p");
    stand_in.dataset.fakeJitsi = options.roomName;
    stand_in.textContent = "video";
    options.parentNode.append(stand_in);
    this.listeners = {};
    setTimeout(() => (this.listeners.participantRoleChanged || []).forEach((f) => f({ role: "moderator" })), 50);
  }
  addListener(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
  executeCommand(...args) { this.record.commands.push(args); }
  dispose() { this.record.disposed = true; }
};
"""


@pytest.fixture
def setup(live_server, django_user_model):
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Parkeervergunning", slug="parkeervergunning")
    seat = SeatFactory(
        services_for=service, hours=((__import__("datetime").time(0, 0), __import__("datetime").time(23, 55)),)
    )
    page = DigitalCounterPage.objects.descendant_of(site.root_page).get()
    clerk = django_user_model.objects.create_superuser(
        "sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie"
    )
    appointment, join = join_today(service, seat, name="An Peeters", email="an@example.be")
    return {
        "url": live_server.url,
        "page": page,
        "seat": seat,
        "clerk": clerk,
        "join": join,
        "appointment": appointment,
    }


def stand_in_jitsi(page):
    page.route(
        f"https://{DOMAIN}/external_api.js",
        lambda route: route.fulfill(body=FAKE_EXTERNAL_API, content_type="application/javascript"),
    )


def test_waiting_room_call_and_end(browser, setup, checked_page):
    with override_settings(DIGITALE_BALIE={"VIDEO": VIDEO}):
        citizen = checked_page
        stand_in_jitsi(citizen.page)
        enter_the_room(citizen.page, setup["url"] + setup["join"])
        assert "join" not in citizen.page.url
        citizen.page.wait_for_selector("[data-balie-room]")
        citizen.axe("waiting room")
        room_url = citizen.page.url
        citizen.page.context.grant_permissions(["camera", "microphone"])
        citizen.page.locator("a[href$='/device-test/']").first.click()
        citizen.page.locator("[data-action=start]").click()
        for check in ("camera", "microphone"):
            citizen.page.locator(f"[data-balie-device-test][data-{check}='ok']").wait_for(timeout=15000)
        citizen.page.goto(room_url)  # back to the waiting room (the cookie, not the link, lets them in)
        citizen.page.wait_for_selector("[data-balie-room]")

        clerk = clerk_console(browser, setup["url"], setup["seat"].pk)
        clerk_context = clerk.page.context
        stand_in_jitsi(clerk.page)
        clerk.page.reload()  # the stand-in must answer the console's own request for external_api.js
        item = clerk.page.locator(".balie-queue__item[data-present='1']")
        item.wait_for(timeout=15000)
        assert "An Peeters" in item.inner_text()

        row = select_conversation(clerk, item)
        open_panel(row, "message").locator("input[name=text]").fill("Ik ben 5 minuten later.")
        row.locator("form[action$='/message/'] button").click()
        citizen.page.get_by_text("Ik ben 5 minuten later.").wait_for(timeout=10000)

        row.locator("form[action$='/start/'] button").click()
        citizen.page.locator("[data-fake-jitsi]").wait_for(timeout=10000)
        session = CallSession.objects.get(appointment=setup["appointment"])
        [record] = citizen.page.evaluate("window.__jitsi")
        assert record["domain"] == DOMAIN and record["roomName"] == session.room_name
        assert record["displayName"] == "An Peeters"
        claims = jwt.decode(record["jwt"], SECRET, algorithms=["HS256"], audience="balie")
        assert claims["room"] == session.room_name and claims["context"]["user"]["affiliation"] == "member"
        clerk.page.locator("[data-fake-jitsi]").wait_for(timeout=10000)
        moderator = wait_for(
            lambda: (
                (clerk.page.evaluate("window.__jitsi") or [{}])[0].get("commands")
                and clerk.page.evaluate("window.__jitsi")[0]
            )
        )
        assert ["toggleLobby", True] in moderator["commands"]
        assert (
            jwt.decode(moderator["jwt"], SECRET, algorithms=["HS256"], audience="balie")["context"]["user"][
                "affiliation"
            ]
            == "owner"
        )

        open_panel(row, "end")
        clerk.page.locator("form[action$='/end/'] input[value=resolved]").check()
        clerk.page.locator("form[action$='/end/'] button").click()
        citizen.page.locator("[data-balie-call]").wait_for(state="hidden", timeout=10000)
        citizen.axe("ended call")
        citizen.page.goto(setup["url"] + setup["join"])
        assert citizen.page.locator("h1").inner_text()  # the ended page
        citizen.axe("link after the call")
        assert not clerk.csp_violations, clerk.csp_violations
        clerk_context.close()
