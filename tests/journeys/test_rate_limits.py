"""Rate limits hold: they key on the address the operator's own proxies saw (forged ``X-Forwarded-For`` entries
buy no fresh limit), and every public route that takes a POST is rate limited or exempt for a stated reason.

The route audit walks the counter page's sub-routes and the package's URLs, POSTs to each with every limit
exhausted, and sorts the answers: 405 (the route does not take a POST), 429 (a limit answered first) or
listed in ``EXEMPT``. A new POST route that is neither fails here, until it gets ``@rate_limited(...)``
(``digitale_balie_plugin.responses``) or a line in ``EXEMPT``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.contrib.routable_page.models import path

from digitale_balie_plugin import ratelimit
from digitale_balie_plugin import urls as package_urls
from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.ratelimit import client_address, limit_key
from digitale_balie_plugin.responses import rate_limited

pytestmark = pytest.mark.django_db

#: Public routes that take a POST without a limit per client address, and why that is safe.
EXEMPT = {
    # the counter page's sub-routes
    "index_route": "the counter page itself: shows its blocks, whose forms post to the routes here",
    "book_check": "books only the answers that the rate-limited details step kept in this browser's session",
    "cancel": "needs the manage link's token (256 bits) and acts on that one appointment",
    "reschedule": "needs the manage link's token and acts on that one appointment",
    "manage_join": "needs the manage link's token; gives a join link for that one appointment",
    "confirm_email": "needs the confirmation link's token, used once",
    "invite_guest": "behind the room cookie: guest links of that one conversation, which dies with the call",
    "take": "needs the take link's token, used once",
    "verify": "only the browser holding the request (room cookie, or a link or code it claimed) gets past",
    "sign": "only the browser holding the request (room cookie, or a link or code it claimed) gets past",
    "form": "only the browser holding the request (room cookie, or a link or code it claimed) gets past",
    "feedback": "behind the room cookie; one answer per conversation",
    "feedback_link": "needs the invitation's token; one answer per conversation",
    "unknown": "the catch-all 'this link does not work' page; changes nothing",
    # the package's URLs (digitale_balie_plugin.urls)
    "set_language": "Django's language switch: sets a cookie, stores nothing",
    "sms_status": "a delivery report, signed by the SMS provider (X-Twilio-Signature)",
    "payment_webhook": "carries only an id, and only ids of our own payments are followed up at the provider",
    "demo_checkout": "the demo payment provider's page: a 404 unless the demo provider is configured",
    "document_upload": "behind the room cookie or a clerk's login; size-limited and virus-scanned",
    "room_heartbeat": "behind the room cookie; sent every few seconds while the citizen waits",
    "room_action": "behind the room cookie; moves one request of that conversation forward",
}

#: A value for each URL argument: the real service's slug, otherwise made-up ids and tokens.
SAMPLES = {
    "token": "A" * 43,
    "session_id": 999_999,
    "action_id": 999_999,
    "document_id": 999_999,
    "seat_id": 999_999,
    "rest": "made-up/",
    "provider": "demo",
    "backend": "demo",
    "payment_id": "made-up",
}


class ExhaustedCache:
    """Stands in for the limiter's cache: every limit is used up, and each key asked for is noted."""

    def __init__(self):
        self.keys = []

    def add(self, key, *args, **kwargs):
        self.keys.append(key)
        return False

    def incr(self, key, *args, **kwargs):
        return 10**9


def _arguments(pattern, service) -> dict:
    names = pattern.pattern.regex.groupindex
    missing = set(names) - set(SAMPLES) - {"service_slug"}
    assert not missing, f"add a sample value for {missing} to SAMPLES"
    return {name: service.slug if name == "service_slug" else SAMPLES[name] for name in names}


def counter_routes(page, service) -> dict[str, str]:
    """Each sub-route of the counter page (by name) with a URL that reaches it."""
    return {
        route.name: page.url + page.reverse_subpage(route.name, kwargs=_arguments(route, service))
        for route in type(page).get_subpage_urls()
    }


def package_routes(service) -> dict[str, str]:
    return {
        route.name: reverse(f"digitale_balie:{route.name}", kwargs=_arguments(route, service))
        for route in package_urls.urlpatterns
    }


def unguarded_post_routes(monkeypatch, routes: dict[str, str]) -> dict[str, int]:
    """Routes that took a POST while every limit was used up, without a limit answering: name → status."""
    found = {}
    for name, url in routes.items():
        limiter = ExhaustedCache()
        monkeypatch.setattr(ratelimit, "cache", limiter)
        status = Client().post(url, {}).status_code
        if status == 405 or (status == 429 and limiter.keys):
            continue
        found[name] = status
    return found


def test_every_public_post_route_is_rate_limited_or_exempt_with_a_reason(monkeypatch, counter_page, service, seat):
    routes = {**counter_routes(counter_page, service), **package_routes(service)}
    assert {"walk_in", "code", "book_details", "pay", "page_feedback", "room_heartbeat"} <= set(routes)
    unguarded = unguarded_post_routes(monkeypatch, routes)
    assert set(unguarded) - set(EXEMPT) == set(), "POST routes with neither @rate_limited nor a line in EXEMPT"
    assert set(EXEMPT) - set(unguarded) == set(), "EXEMPT lists routes that are limited, refuse POST or are gone"


@pytest.fixture
def made_up_route(monkeypatch):
    """Adds a route to the counter page for one test (the page's resolver is built anew, and again after)."""

    def add(view):
        monkeypatch.setattr(DigitalCounterPage, "made_up", path("made-up-route/", name="made_up")(view), raising=False)
        DigitalCounterPage.__dict__.get("_routablepage_urlresolver") and delattr(
            DigitalCounterPage, "_routablepage_urlresolver"
        )

    yield add
    monkeypatch.undo()
    if "_routablepage_urlresolver" in DigitalCounterPage.__dict__:
        delattr(DigitalCounterPage, "_routablepage_urlresolver")


def test_a_new_post_route_without_a_limit_or_a_reason_fails_the_audit(
    monkeypatch, made_up_route, counter_page, service
):
    made_up_route(lambda page, request: HttpResponse("stored", status=201))
    routes = counter_routes(counter_page, service)
    assert unguarded_post_routes(monkeypatch, {"made_up": routes["made_up"]}) == {"made_up": 201}


def test_a_new_post_route_with_a_limit_passes_the_audit(monkeypatch, made_up_route, counter_page, service):
    limited = rate_limited("made-up", (3, 60))(lambda request, page: HttpResponse("stored", status=201))
    made_up_route(lambda page, request: limited(request, page))
    routes = counter_routes(counter_page, service)
    assert unguarded_post_routes(monkeypatch, {"made_up": routes["made_up"]}) == {}


# --- the client address behind proxies ------------------------------------------------------------------------

PROXY = "10.0.0.1"  # the operator's reverse proxy: REMOTE_ADDR of every request that passed it
CLIENT = "198.51.100.7"  # the address the proxy saw, and appended to X-Forwarded-For


def code_attempts(page, forwarded_for: list[str], remote: str = PROXY) -> list[int]:
    """One wrong short code per X-Forwarded-For value, each from a fresh browser."""
    url = page.url + "code/"
    return [
        Client(REMOTE_ADDR=remote).post(url, {"code": "ABCD EFGH"}, HTTP_X_FORWARDED_FOR=value).status_code
        for value in forwarded_for
    ]


def balie(**options):
    """The test settings' ``DIGITALE_BALIE`` with ``options`` on top."""
    return override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "CODE_RATE_LIMIT": (10, 600), **options})


def test_forged_forwarded_entries_behind_one_proxy_share_one_limit(counter_page):
    """Issue 16: 50 requests with forged X-Forwarded-For entries got 50 limit keys. The proxy appends what it
    saw; whatever the client wrote to the left of it is not an address to trust."""
    with balie(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR"):
        forged = [f"203.0.113.{n}, {CLIENT}" for n in range(50)]
        answers = code_attempts(counter_page, forged)
        other = code_attempts(counter_page, ["203.0.113.1, 198.51.100.8"])  # another citizen keeps their own limit
    assert answers == [400] * 10 + [429] * 40
    assert other == [400]


def test_without_trusted_proxies_the_forwarded_header_is_ignored(counter_page):
    with balie(TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR"):  # a proxy header named, but no proxy count
        answers = code_attempts(counter_page, [f"203.0.113.{n}" for n in range(12)], remote=CLIENT)
    assert answers == [400] * 10 + [429] * 2


def test_the_client_is_the_entry_the_first_trusted_proxy_wrote(rf):
    def address(forwarded_for=None, remote=PROXY, header="HTTP_X_FORWARDED_FOR", **options):
        meta = {"REMOTE_ADDR": remote}
        if forwarded_for is not None:
            meta[header] = forwarded_for
        with balie(**options):
            return client_address(rf.get("/", **meta))

    assert address(f"1.2.3.4, {CLIENT}") == PROXY  # no trusted proxy: the header is not read
    assert address(f"1.2.3.4, {CLIENT}", TRUSTED_PROXY_COUNT=1) == CLIENT
    assert address(f"1.2.3.4, {CLIENT}:51000", TRUSTED_PROXY_COUNT="1") == CLIENT  # a port; the count from env
    assert address(f"1.2.3.4, {CLIENT}, 10.0.0.9", TRUSTED_PROXY_COUNT=2) == CLIENT  # a CDN, then nginx
    assert address("not-an-address, , " + CLIENT, TRUSTED_PROXY_COUNT=1) == CLIENT
    assert address(None, TRUSTED_PROXY_COUNT=1) == PROXY  # past the proxy: the socket's address
    assert address(CLIENT, TRUSTED_PROXY_COUNT=2) == PROXY  # fewer entries than proxies: nothing to trust
    real_ip = {"TRUSTED_PROXY_COUNT": 1, "TRUSTED_PROXY_HEADER": "HTTP_X_REAL_IP"}
    assert address(f"1.2.3.4, {CLIENT}", **real_ip) == PROXY  # another header named: X-Forwarded-For unread
    assert address(CLIENT, header="HTTP_X_REAL_IP", **real_ip) == CLIENT
    forwarded = {"TRUSTED_PROXY_COUNT": 1, "TRUSTED_PROXY_HEADER": "HTTP_FORWARDED"}  # RFC 7239
    assert address('for=1.2.3.4, for="[2001:db8::7]:4711";proto=https', header="HTTP_FORWARDED", **forwarded) == (
        "2001:db8::7"
    )


def test_an_ipv6_client_counts_once_for_its_whole_network():
    assert limit_key("2a02:1811:c1e:1234:5:6:7:8") == limit_key("2a02:1811:c1e:1234::99") == "2a02:1811:c1e:1234::/64"
    assert limit_key("2a02:1811:c1e:1235::1") != limit_key("2a02:1811:c1e:1234::1")
    assert limit_key("::ffff:198.51.100.7") == limit_key(CLIENT) == CLIENT
    assert limit_key("") == ""
