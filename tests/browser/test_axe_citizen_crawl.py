"""axe (WCAG 2.1 AA, colour contrast included) on EVERY citizen page, in nl, fr and en, at 390 px and 1280 px,
with the demo data (issue 15).

The pages are the counter page's routes and the package's URL names: each is either visited below or excluded
with a reason, so a new route cannot be skipped silently. axe reports text coloured like its background as
"incomplete" rather than as a violation (that hid the invisible booking buttons): here an incomplete colour-
contrast result fails too, unless ``CONTRAST_INCOMPLETE_ALLOWED`` says why it may stay.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.browser.conftest import WCAG_21_AA
from tests.factories import ensure_page_tree, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"nl": "", "fr": "/fr", "en": "/en"}
WIDTHS = (390, 1280)
TOKEN = "t" * 43

#: Routes of the counter page and URL names of the package a citizen never sees as a page of its own.
EXCLUDED = {
    "manage_join": "POST only: redirects to a fresh join link (the room is crawled)",
    "ics": "a calendar file, not a page",
    "walk_in": "POST only (GET redirects to the counter page): the ticket's waiting room is the room page",
    "pay_status": "JSON for the payment page's script",
    "set_language": "POST endpoint kept for sites' own forms; the switcher is links now",
    "sms_status": "provider webhook",
    "payment_webhook": "provider webhook",
    "demo_checkout": "the demo payment provider's stand-in for a vendor's hosted page",
    "document_upload": "POST endpoint (the forms that post to it are crawled)",
    "document_download": "a file download",
    "signature_document": "the PDF to read before signing",
    "room_state": "JSON poll",
    "room_heartbeat": "JSON poll",
    "room_action": "JSON endpoint",
    "seat_state": "the clerk's JSON poll",
    "identity_complete": "the identity provider's redirect URI (it ends on verify_result, crawled)",
    "identity_jwks": "JSON keys",
    "health_live": "the load balancer's JSON probe",
    "health_ready": "the load balancer's JSON probe",
    "metrics": "Prometheus' text format, behind a bearer token",
    "summary_appointment": "POST only: the summary's follow-up makes a fresh manage link (manage is crawled)",
    "summary_download": "a file download",
}

#: Incomplete colour-contrast results that may stay, by CSS selector, each with its reason.
CONTRAST_INCOMPLETE_ALLOWED: dict[str, str] = {
    # (none: every text on the citizen pages has a measurable contrast)
}

SCROLLS = "() => document.documentElement.scrollWidth > window.innerWidth"


def all_route_names() -> set[str]:
    from digitale_balie_plugin import urls
    from digitale_balie_plugin.cms.models import DigitalCounterPage

    routes = {pattern.name for pattern in DigitalCounterPage().get_subpage_urls() if pattern.name != "unknown"}
    return routes | {pattern.name for pattern in urls.urlpatterns}


@pytest.fixture
def demo(live_server):
    from wagtail.models import Site

    from digitale_balie_plugin.cms.models import ApplicationFormPage
    from digitale_balie_plugin.models import CounterSeat, Service

    ensure_page_tree()  # a transactional test flushed what the migrations made (the default locale)
    call_command("load_demo_content", stdout=StringIO())
    Site.objects.filter(is_default_site=True).update(port=int(live_server.url.rsplit(":", 1)[1]))
    return {
        "url": live_server.url,
        "service": Service.objects.canonical().get(slug="afvalkalender"),
        "seat": CounterSeat.objects.canonical().get(name__contains="altijd open"),
        "clerk": get_user_model().objects.get(username="baliemedewerker"),
        "form_page": ApplicationFormPage.objects.first(),
    }


class Crawl:
    """One browser context (a width): visits pages, collects axe findings, overflow and route names."""

    def __init__(self, browser, demo, width):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
        self.page = self.context.new_page()
        self.csp = []
        self.page.on("console", lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None)
        self.demo, self.width, self.findings, self.visited, self.checks = demo, width, [], set(), 0

    def visit(self, route: str, url: str, label: str = "", page=None):
        response = (page or self.page).goto(self.demo["url"] + url)
        assert response.status < 500, f"{url}: {response.status}"
        self.check(route, label or route, page)
        return response

    def enter(self, route: str, url: str, label: str, page=None, into="**/room/**"):
        """A join or guest link: its page (checked), then its button into the room (checked)."""
        page = page or self.page
        self.visit(route, url, f"{route} link", page)
        page.locator("[data-balie-join]").click()
        page.wait_for_url(into)
        page.wait_for_load_state()
        self.check("room", label, page)

    def check(self, route: str, label: str, page=None):
        from axe_playwright_python.sync_playwright import Axe

        page = page or self.page
        self.visited.add(route)
        self.checks += 1
        where = f"{label} ({page.url}, {self.width} px)"
        options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations", "incomplete"]}
        results = Axe().run(page, options=options).response
        for violation in results["violations"]:
            nodes = [node["target"] for node in violation["nodes"]]
            self.findings.append(f"{where}: {violation['id']} {nodes}")
        for incomplete in results["incomplete"]:
            if incomplete["id"] != "color-contrast":
                continue
            for node in incomplete["nodes"]:
                if " ".join(node["target"]) not in CONTRAST_INCOMPLETE_ALLOWED:
                    self.findings.append(f"{where}: color-contrast incomplete {node['target']}")
        if self.width == 390 and page.evaluate(SCROLLS):
            self.findings.append(f"{where}: scrolls sideways at 390 px")
        if self.csp:
            self.findings.append(f"{where}: CSP {self.csp}")
            self.csp.clear()


def _appointment(service, start, **extra):
    from digitale_balie_plugin.models import Appointment

    return Appointment.objects.create(
        site_id=service.site_id,
        service=service,
        seat=service.seats.first(),
        start=start,
        end=start + timedelta(minutes=service.duration_minutes),
        reserved_until=start + timedelta(minutes=service.duration_minutes),
        citizen_name="An Peeters",
        email="an@example.be",
        **extra,
    )


def _actions(demo):
    """A phone conversation with one request of each kind, and the links that open them."""
    from digitale_balie_plugin.actions import handover
    from digitale_balie_plugin.actions.service import create_action
    from digitale_balie_plugin.calls.sessions import open_contact
    from digitale_balie_plugin.documents import service as documents

    clerk = demo["clerk"]
    session = open_contact(demo["seat"], channel="phone", clerk=clerk, citizen_name="Jan", service=demo["service"])
    pdf = documents.upload(session, SimpleUploadedFile("aanvraag.pdf", make_pdf()), source="clerk", user=clerk)
    payloads = {
        "verify_identity": {},
        "request_payment": {"amount": Decimal("12.50"), "currency": "EUR", "description": "Restafvalzakken"},
        "exchange_documents": {"what": "uw plannen"},
        "request_signature": {"document": pdf},
        "send_form": {"form_page": demo["form_page"]},
        "share_message": {"text": "Lees de voorwaarden."},
    }
    return {kind: create_action(session, kind, data, by_user=clerk) for kind, data in payloads.items()}, handover


def crawl_language(crawl: Crawl, prefix: str):
    from digitale_balie_plugin.booking import service as booking
    from digitale_balie_plugin.booking.availability import free_slots
    from digitale_balie_plugin.calls import sessions
    from digitale_balie_plugin.models import AccessToken, FeedbackInvitation, Outcome, SummaryLink
    from digitale_balie_plugin.models.choices import BookedVia

    demo, page = crawl.demo, crawl.page
    counter = prefix + "/digitale-balie/"
    service = demo["service"]

    # Booking: choose a time, details (and with errors), check your details, confirmation.
    crawl.visit("book", counter + "book/afvalkalender/", "choose a time")
    crawl.visit("book", counter + "book/afvalkalender/?days=abc&from=nope", "choose a time, bad parameters")
    page.locator("input[name=slot]").first.check()
    page.locator(".balie-slots button[type=submit]").click()
    page.wait_for_url("**/details/**")
    crawl.check("book_details", "details")
    page.locator(".balie-form button[type=submit]").click()
    page.locator("[data-balie-error-summary]").wait_for()
    crawl.check("book_details", "details with errors")
    page.fill("#id_name", "An Peeters")
    page.fill("#id_email", "an@example.be")
    page.locator("input[name=channel]").first.check()
    page.locator(".balie-form button[type=submit]").click()
    page.wait_for_url("**/check/")
    crawl.check("book_check", "check your details")
    page.locator(".balie-form button[type=submit]").click()
    page.wait_for_url("**/booked/**")
    crawl.check("confirmation", "confirmation")

    # After booking: manage, reschedule, cancel, confirm the e-mail address.
    later = next(slot for slot in free_slots(service) if slot.start.date() > timezone.localdate())
    booked = booking.book_appointment(service, later.start, booking.CitizenDetails(name="An", email="an@example.be"))
    manage = counter + f"manage/{booked.manage_token}/"
    crawl.visit("manage", manage)
    crawl.visit("reschedule", manage + "reschedule/")
    crawl.visit("cancel", manage + "cancel/")
    phoned = _appointment(service, later.start + timedelta(hours=2), booked_via=BookedVia.PHONE, email_confirmed=False)
    confirm = counter + f"confirm-email/{phoned.issue_token(AccessToken.Purpose.CONFIRM_EMAIL)}/"
    crawl.visit("confirm_email", confirm)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    crawl.check("confirm_email", "e-mail address confirmed")

    # The room: before the day, on the day, the guest's view, inviting a guest, after the call, feedback.
    crawl.enter("join", counter + f"join/{booked.appointment.issue_token(AccessToken.Purpose.JOIN)}/", "room, early")
    today = _appointment(service, timezone.now() + timedelta(minutes=2))
    today_link = counter + f"join/{today.issue_token(AccessToken.Purpose.JOIN)}/"
    crawl.enter("join", today_link, "room on the day")
    second = crawl.context.browser.new_context(viewport=page.viewport_size)  # the link, forwarded or on a phone
    crawl.enter("join", today_link, "a second device waits for the clerk", page=second.new_page(), into="**/room/**")
    second.close()
    session_id = int(re.search(r"/room/(\d+)/", page.url).group(1))
    crawl.visit("room", counter + f"room/{session_id}/", "room on the day")
    crawl.visit("invite_guest", counter + f"room/{session_id}/guest/")
    session = sessions.session_for_appointment(today)
    sessions.send_message(session, "Ik ben er zo.", by_user=demo["clerk"])
    crawl.visit("room", counter + f"room/{session_id}/", "room with a message")
    guest = crawl.context.browser.new_context(viewport=page.viewport_size)
    guest_link = counter + f"guest/{sessions.invite_guest(session, 'Tolk')}/"
    crawl.enter("guest", guest_link, "the guest's room", page=guest.new_page())
    guest.close()
    sessions.start_call(session, demo["clerk"])
    sessions.end_call(session, demo["clerk"], outcome=Outcome.RESOLVED)
    crawl.visit("room", counter + f"room/{session_id}/", "room after the call")
    cancelled = _appointment(service, timezone.now() + timedelta(minutes=30))
    crawl.enter("join", counter + f"join/{cancelled.issue_token(AccessToken.Purpose.JOIN)}/", "room, to be cancelled")
    cancelled_room = counter + "room/" + re.search(r"/room/(\d+)/", page.url).group(1) + "/"
    booking.cancel_appointment(cancelled, by_user=demo["clerk"])
    crawl.visit("room", cancelled_room, "room of a cancelled appointment")
    crawl.visit("summary_room", counter + f"room/{session_id}/summary/", "the summary from the ended room")
    raw_summary, _link = SummaryLink.issue(session, 30)
    crawl.visit("summary", counter + f"summary/{raw_summary}/", "the summary from its message")
    crawl.visit("summary", counter + "summary/" + "x" * 43 + "/", "an unknown summary link")
    crawl.visit("feedback", counter + f"feedback/{session_id}/", "feedback after the call")
    raw, _invitation = FeedbackInvitation.issue(session, timedelta(days=7))
    crawl.visit("feedback_link", counter + f"feedback/link/{raw}/", "feedback from the e-mail")
    crawl.visit("page_feedback", counter + "feedback/", "feedback on the page")

    # Devices, codes, requests taken by link (one of each kind), the city's own code pages and form page.
    crawl.visit("device_test", counter + "device-test/")
    crawl.visit("test_room", counter + "device-test/room/")
    crawl.visit("code", counter + "code/")
    page.fill("#id_code", "ZZZZZZ")
    page.locator(".balie-code-form button[type=submit]").click()
    page.locator("[data-balie-error-summary]").wait_for()
    crawl.check("code", "code with an error")
    actions, handover = _actions(demo)
    routes = {
        "verify_identity": "verify",
        "request_payment": "pay",
        "exchange_documents": "documents",
        "request_signature": "sign",
        "send_form": "form",
        "share_message": "take",
    }
    for kind, action in actions.items():
        crawl.visit("take", counter + f"take/{handover.link_token(action)}/", f"take: {kind}")
        page.locator("[data-balie-take]").click()  # opening the link takes nothing; "Continue" does
        page.wait_for_load_state()
        crawl.check(routes[kind], f"{kind}, from its link")
    crawl.visit("verify_result", counter + f"verify/{actions['verify_identity'].pk}/result/", "identity result")
    crawl.visit("pay_result", counter + f"pay/{actions['request_payment'].pk}/result/", "payment result")
    taken = _actions(demo)[0]["share_message"]
    Client().post(counter + f"take/{handover.link_token(taken)}/", HTTP_HOST="localhost")  # another browser has it
    crawl.visit("take", counter + f"take/{handover.link_token(taken)}/", "link used elsewhere")
    crawl.visit("code_page", prefix + "/code/", "the city's code page")
    crawl.visit("pay_page", prefix + "/betalen/", "the city's payment page")
    crawl.visit("application_form_page", prefix + demo["form_page"].url, "application form page")

    # Links that do not work, and the counter page itself.
    crawl.visit("manage", counter + f"manage/{TOKEN}/", "invalid link")
    crawl.visit("unknown", counter + "nope/", "unknown route")
    crawl.visit("index_route", counter, "counter page")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_citizen_page_passes_axe_in_every_language(browser, demo, width):
    crawl = Crawl(browser, demo, width)
    for prefix in LANGUAGES.values():
        crawl_language(crawl, prefix)
    crawl.context.close()
    missing = all_route_names() - crawl.visited - set(EXCLUDED)
    assert not missing, f"citizen routes neither crawled nor excluded with a reason: {sorted(missing)}"
    assert crawl.checks >= 40 * len(LANGUAGES), crawl.checks  # the crawl cannot shrink unnoticed
    assert not crawl.findings, "\n".join(crawl.findings)
