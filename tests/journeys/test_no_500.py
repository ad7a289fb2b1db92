"""Issue 16's general guard: generated input to every route and every console command never gives a 500, and a
refused request writes nothing.

Strings, unicode, NUL bytes, huge and negative numbers, malformed dates, ids and tokens, bodies that are no form,
odd headers, wrong methods and missing CSRF tokens, from every browser of ``fuzz_world`` (the route's own user and
everyone else). Under ``CI=true`` the tests send at least ``CI_MINIMUM`` requests together (each asserts its
share); locally a smaller number. The framework: ``fuzz.py`` (values, the probe), ``fuzz_world.py`` (what the
routes are about), ``endpoints.py`` (the routes). The hand-made cases of the findings are in
``test_hostile_input.py``.
"""

from __future__ import annotations

import re

import pytest
import responses
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.journeys.endpoints import (
    ALL_METHODS,
    ENDPOINTS,
    PAGE,
    command_fields,
    commands,
    discovered_routes,
    excluded,
    pattern_of,
)
from tests.journeys.fuzz import (
    CI_MINIMUM,
    CI_SIZE,
    HOSTILE,
    RAW_BODIES,
    SENT,
    Probe,
    Request,
    form_data,
    headers,
)
from tests.journeys.fuzz_world import build_world

pytestmark = pytest.mark.django_db

#: Examples per test: (CI, local). Each example sends one request (the journey: three), plus the fixed tests'
#: few hundred; the CI shares add up to more than ``CI_MINIMUM`` (``test_the_ci_shares_add_up``).
EXAMPLES = {"routes": (1_500, 200), "commands": (800, 150), "journey": (200, 20)}
#: What each test must have sent under CI.
CI_SHARE = {
    "test_generated_input_to_every_route": 1_500,
    "test_generated_input_to_every_console_command": 800,
    "test_the_booking_journey_with_generated_answers": 600,
    "test_each_troublemaker_in_each_field": 2_500,
    "test_wrong_methods_are_refused_and_change_nothing": 300,
    "test_posts_without_a_csrf_token_are_refused": 80,
}
SLUG = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
TOKEN = st.from_regex(r"[A-Za-z0-9_-]{20,100}", fullmatch=True)
BIG = st.one_of(st.integers(0, 50), st.integers(0, 10**30))


def mostly(known: list, other=BIG, weight: int = 4):
    """One of ``known`` ``weight`` times out of ``weight + 1``, else ``other``: requests must mostly reach
    past the first lookup to test what lies behind it."""
    return st.one_of(*[st.sampled_from(known)] * weight, other)


def examples(kind: str) -> settings:
    ci, local = EXAMPLES[kind]
    return settings(settings.get_profile("balie-fuzz"), max_examples=ci if CI_SIZE else local)


@pytest.fixture
def world(
    counter_page, service, seat, clerk, django_user_model, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DIGITALE_BALIE = {**django_settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path)}
    built = build_world(counter_page, service, seat, clerk, django_capture_on_commit_callbacks)
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("beheer", password="pw"))
    built.clients["staff"] = staff
    return built


@pytest.fixture
def probe(request, world, django_capture_on_commit_callbacks):
    """No request leaves the machine (an identity provider's discovery, a payment provider's API): an unknown
    address is a connection error, which the views handle."""
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        yield Probe(request.node.name, world.clients, django_capture_on_commit_callbacks)
    if CI_SIZE and request.node.name in CI_SHARE:
        assert SENT[request.node.name] >= CI_SHARE[request.node.name], SENT[request.node.name]


# --- the routes ---------------------------------------------------------------------------------------------


def test_every_route_is_covered_or_excluded():
    found = discovered_routes()
    missing = sorted(name for name in found if name not in ENDPOINTS and not excluded(name))
    assert not missing, f"routes without generated input: add them to tests/journeys/endpoints.py: {missing}"
    assert not sorted(set(ENDPOINTS) - found), "endpoints.py lists routes that no longer exist"


def test_the_ci_shares_add_up():
    assert sum(CI_SHARE.values()) >= CI_MINIMUM


def _known_arguments(world, endpoint, name) -> list:
    """URL argument values that lead somewhere, the route's own first."""
    ids, sessions = world.action_ids, world.session_ids
    known = {
        "token": [world.tokens.get(endpoint.token, world.tokens["manage"]), *world.tokens.values()],
        "session_id": [sessions[endpoint.session], *sessions.values()],
        "action_id": [ids.get(endpoint.action, ids["unopened"]), *ids.values()],
        "document_id": [world.document_ids[endpoint.document], *world.document_ids.values()],
        "service_slug": [world.service.slug],
        "provider": ["demo", "mollie", "balie-demo"],
        "payment_id": world.checkout_ids,
        "backend": ["balie-demo", "balie-itsme", "balie-fas", "balie-oidc"],
        "seat_id": [world.seat.pk, world.other_seat.pk],
        "model_name": ["service", "counterseat", "appointment"],
        "pk": [world.service.pk],
        "rest": ["nergens/"],
    }
    return known.get(name, [1])


#: Any value a URL argument's pattern lets through, by argument name (an integer for the others).
ANY_ARGUMENT = {
    "token": TOKEN,
    "document_id": st.integers(0, 10**18 - 1),
    "service_slug": SLUG,
    "provider": SLUG,
    "backend": SLUG,
    "model_name": SLUG,
    "payment_id": st.from_regex(r"[^/?#\s]{1,60}", fullmatch=True),
    "rest": st.from_regex(r"[^?#]{1,60}", fullmatch=True),
}


def _argument(draw, world, endpoint, name):
    known = _known_arguments(world, endpoint, name)
    return draw(mostly([known[0]] * 3 + known, ANY_ARGUMENT.get(name, BIG)))


def _fixed_path(world, endpoint) -> str:
    """The route with the arguments that lead somewhere."""
    return _path(None, world, endpoint)


def _path(draw, world, endpoint) -> str:
    if endpoint.route in PAGE:
        pattern = next(url for url in world.page.get_subpage_urls() if url.name == endpoint.route)
        kwargs = {name: _value(draw, world, endpoint, name) for name in pattern.pattern.regex.groupindex}
        return world.page.url + world.page.reverse_subpage(endpoint.route, kwargs=kwargs)
    pattern = pattern_of(endpoint.route)
    kwargs = {name: _value(draw, world, endpoint, name) for name in pattern.pattern.regex.groupindex}
    return reverse(endpoint.route, kwargs=kwargs)


def _value(draw, world, endpoint, name):
    """Generated (``draw``), or the first known value (``draw`` is ``None``)."""
    return _argument(draw, world, endpoint, name) if draw else _known_arguments(world, endpoint, name)[0]


UNIVERSE = tuple(sorted({field for endpoint in ENDPOINTS.values() for field in endpoint.fields}))
ROUTES = sorted(name for name in ENDPOINTS if name != "digitale_balie_session_command")


@examples("routes")
@given(data=st.data())
def test_generated_input_to_every_route(world, probe, data):
    endpoint = ENDPOINTS[data.draw(st.sampled_from(ROUTES), label="route")]
    who = data.draw(st.sampled_from(list(endpoint.who) * 4 + sorted(world.clients)), label="who")
    method = data.draw(st.sampled_from(list(endpoint.methods) * 8 + list(ALL_METHODS)), label="method")
    request = Request(who, method, _path(data.draw, world, endpoint), route=endpoint.route)
    if method not in ("GET", "HEAD") and data.draw(st.integers(0, 19)) == 0:
        request.raw = data.draw(RAW_BODIES)
    else:
        request.data = form_data(data.draw, world.valid, endpoint.fields, UNIVERSE)
    request.headers = headers(data.draw)
    with probe.example():
        probe.send(request, may_write=method in endpoint.methods)


# --- the console ----------------------------------------------------------------------------------------------

COMMAND_UNIVERSE = tuple(sorted({field for name in commands() for field in command_fields(name) or ()}))


def test_every_console_command_is_covered():
    unknown = [name for name in commands() if command_fields(name) is None]
    assert not unknown, f"console commands whose fields tests/journeys/endpoints.py does not know: {unknown}"


@examples("commands")
@given(data=st.data())
def test_generated_input_to_every_console_command(world, probe, data):
    """Every command (the console's, "create an action of kind X", and what action types bring), posted by the
    seat's clerk (mostly) with generated values for every field a command reads."""
    command = data.draw(mostly(commands(), SLUG, weight=9), label="command")
    seat = data.draw(mostly([world.seat.pk] * 8 + [world.other_seat.pk], weight=9), label="seat")
    session = data.draw(mostly(list(world.session_ids.values()), weight=9), label="session")
    who = data.draw(st.sampled_from(["clerk"] * 12 + sorted(world.clients)), label="who")
    path = reverse("digitale_balie_session_command", args=[seat, session, command])
    request = Request(who, "POST", path, route="digitale_balie_session_command")
    request.data = form_data(data.draw, world.valid, command_fields(command) or (), COMMAND_UNIVERSE)
    request.headers = {"HTTP_ACCEPT": data.draw(st.sampled_from(["application/json", "text/html"]))}
    with probe.example():
        probe.send(request)


# --- the booking journey --------------------------------------------------------------------------------------

KEY = re.compile(r'name="key" value="([^"]+)"')


@examples("journey")
@given(data=st.data())
def test_the_booking_journey_with_generated_answers(world, probe, data):
    """Details, then the check page, then its POST with the key it shows: the answers go all the way."""
    book = world.page.url + f"book/{world.service.slug}/"
    answers = form_data(data.draw, world.valid, ("slot", "channel", "name", "email", "phone", "language"), UNIVERSE)
    answers.setdefault("slot", world.valid["slot"][0])
    with probe.example():
        probe.send(Request("anonymous", "POST", book + "details/", answers, route="book_details"))
        check = probe.send(Request("anonymous", "GET", book + "check/", route="book_check"))
        key = KEY.search(check.content.decode()) if check.status_code == 200 else None
        posted = {"key": key.group(1) if key else data.draw(HOSTILE)}
        probe.send(Request("anonymous", "POST", book + "check/", posted, route="book_check"))


# --- each troublemaker in each field ---------------------------------------------------------------------------

#: The troublemakers swept through every field, in CI and locally (the generated tests draw from all of them).
SWEEP_CI = [
    *("", "\x00", "-1", "0", "1e30", "1e309", "NaN", "9223372036854775808", "-9223372036854775809", "9" * 400),
    *("1.000,50", "１２", "null", "<script>alert(1)</script>", "%00", "99991231T2359Z", "00010101T0000Z"),
    *("20261299T9999Z", "2026-02-30", "0000-00-00", "10000-01-01", "2026-12-07T09:00:00+99:00", "x" * 5000),
]
SWEEP = SWEEP_CI if CI_SIZE else ["\x00", "-1", "1e309", "9223372036854775808", "99991231T2359Z"]
#: The request a command's ``action`` names, for the sweep (a refund needs a paid payment, and so on).
COMMAND_ACTION = {"refund": "paid", "form-pdf": "send_form", "code": "unopened", "send-link": "unopened"}


def _sweep(probe, who, method, path, fields, base, route):
    for name in fields:
        for value in SWEEP:
            with probe.example():
                probe.send(Request(who, method, path, {**base, name: value}, route=route))


def _valid_form(world, fields) -> dict:
    return {name: world.valid[name][0] for name in fields if world.valid.get(name)}


def test_each_troublemaker_in_each_field(world, probe):
    """Not left to chance: each of ``NASTY`` in each field of each route and command, the other fields valid,
    sent by the route's own user (a generator that is not guided by coverage rarely puts the one value that
    breaks a view into the one field that reads it)."""
    for name, endpoint in sorted(ENDPOINTS.items()):
        if endpoint.fields and name != "digitale_balie_session_command":
            method = "POST" if "POST" in endpoint.methods else "GET"
            path = _fixed_path(world, endpoint)
            _sweep(probe, endpoint.who[0], method, path, endpoint.fields, _valid_form(world, endpoint.fields), name)
    for command in commands():
        fields = command_fields(command)
        base = _valid_form(world, fields)
        if "action" in fields:
            base["action"] = str(world.action_ids[COMMAND_ACTION.get(command, "unopened")])
        path = reverse("digitale_balie_session_command", args=[world.seat.pk, world.session_ids["phone"], command])
        _sweep(probe, "clerk", "POST", path, fields, base, "digitale_balie_session_command")


# --- methods and CSRF ---------------------------------------------------------------------------------------


def test_wrong_methods_are_refused_and_change_nothing(world, probe):
    """Each route, by each of its users, with every method it does not answer: refused (never a 500), and not a
    row changed."""
    for name, endpoint in sorted(ENDPOINTS.items()):
        for method in (m for m in ALL_METHODS if m not in endpoint.methods):
            for who in endpoint.who:
                with probe.example():
                    probe.send(Request(who, method, _fixed_path(world, endpoint), route=name), may_write=False)


def test_posts_without_a_csrf_token_are_refused(world, probe):
    """Every POST route, from its own users' browsers but without the CSRF token: 403, nothing written."""
    posts = [endpoint for endpoint in ENDPOINTS.values() if "POST" in endpoint.methods and not endpoint.csrf_exempt]
    for endpoint in posts:
        paths = [_fixed_path(world, endpoint)]
        if endpoint.route == "digitale_balie_session_command":
            paths = [
                reverse(endpoint.route, args=[world.seat.pk, sid, c])
                for c in commands()
                for sid in world.session_ids.values()
            ]
        for who in endpoint.who:
            strict = Client(enforce_csrf_checks=True)
            strict.cookies = world.clients[who].cookies
            probe.clients["strict"] = strict
            for path in paths:
                with probe.example():
                    data = {field: world.valid.get(field, ["x"])[0] for field in endpoint.fields}
                    response = probe.send(Request("strict", "POST", path, data, route=endpoint.route), may_write=False)
                assert response.status_code == 403, (endpoint.route, who, response.status_code)
    del probe.clients["strict"]
