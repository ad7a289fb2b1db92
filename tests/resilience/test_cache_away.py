"""Redis away, the cache configured as in production (``IGNORE_EXCEPTIONS``): every place that relies on the cache
degrades instead of failing. Rate limits let requests through, the booking lock answers "try again" (503) and
never books twice, live state and presence come from the database, and presence is back at the next heartbeat."""

import logging

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from digitale_balie_plugin import live
from digitale_balie_plugin.calls.access import cookie_name
from digitale_balie_plugin.integrations.payments.base import PaymentError
from digitale_balie_plugin.integrations.payments.demo import DemoPaymentProvider
from digitale_balie_plugin.models import Appointment, ParticipantAccess
from digitale_balie_plugin.ratelimit import hit
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.integrations.payments.test_payment_contract import REQUEST
from tests.journeys.test_citizen_journey import details
from tests.resilience.away import redis_cache_settings

pytestmark = pytest.mark.django_db

LOCAL_CACHE = django_settings.CACHES


@pytest.mark.parametrize("away", ["cache_away", "cache_away_raising"])
def test_rate_limits_let_requests_through_and_say_so(request, away, caplog):
    request.getfixturevalue(away)
    citizen = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    with caplog.at_level(logging.WARNING, logger="digitale_balie.outages"):
        assert all(hit(citizen, "booking", 1, 60) for _ in range(3))
    assert "rate limit booking: not counted, the cache" in caplog.text


def test_the_booking_lock_answers_try_again_and_books_once_the_cache_is_back(
    browser, settings, counter_page, service, seat
):
    book_url = counter_page.url + "book/identiteitskaart/"
    check_url = browser.post(book_url + "details/", details())["Location"]
    key = browser.get(check_url).context["key"]
    settings.CACHES = redis_away()  # the answers wait in the session (cached_db: in the database too)
    response = browser.post(check_url, {"key": key})
    assert response.status_code == 503 and response["Retry-After"]
    assert not Appointment.objects.exists()  # no lock, no booking: a double click could have booked twice

    settings.CACHES = LOCAL_CACHE  # Redis is back: the same answers book, once
    assert browser.post(check_url, {"key": key}).status_code == 303
    assert browser.post(check_url, {"key": key}).status_code == 303
    assert Appointment.objects.count() == 1


def redis_away() -> dict:
    return redis_cache_settings(ignore_exceptions=True)


@pytest.fixture
def room(phone_session):
    """A citizen's browser in the conversation's room (its cookie), and the room's live URLs."""
    raw, _access = ParticipantAccess.issue(phone_session, ParticipantAccess.Role.CITIZEN, "Jan")
    return raw, phone_session


def test_the_room_polls_and_beats_from_the_database(browser, room, cache_away):
    raw, session = room
    browser.cookies[cookie_name(session.pk)] = raw
    state_url = reverse("digitale_balie:room_state", args=[session.pk])
    first = browser.get(state_url)
    assert first.status_code == 200 and first.json()["status"]
    assert browser.get(state_url, headers={"If-None-Match": first["ETag"]}).status_code in (200, 304)
    assert browser.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 204


def test_presence_is_back_at_the_next_heartbeat(browser, room, settings):
    raw, session = room
    browser.cookies[cookie_name(session.pk)] = raw
    beat_url = reverse("digitale_balie:room_heartbeat", args=[session.pk])
    settings.CACHES = redis_away()
    assert browser.post(beat_url).status_code == 204
    assert live.present([session.pk]) == set()  # nowhere to keep it while Redis is away
    settings.CACHES = LOCAL_CACHE
    assert browser.post(beat_url).status_code == 204
    assert live.present([session.pk]) == {session.pk}


def test_a_cache_that_raises_gives_the_room_json_it_keeps_polling_through(browser, room, cache_away_raising):
    raw, session = room
    browser.cookies[cookie_name(session.pk)] = raw
    response = browser.get(reverse("digitale_balie:room_state", args=[session.pk]))
    assert response.status_code == 503 and response.json()["error"] == "unavailable"


def test_the_console_polls_from_the_database(seat, clerk, settings):
    console = clerk_client_for_seat(seat, clerk)
    settings.CACHES = redis_away()
    url = reverse("digitale_balie:seat_state", args=[seat.pk])
    first = console.get(url)
    assert first.status_code == 200
    assert console.get(url, headers={"If-None-Match": first["ETag"]}).status_code in (200, 304)


def test_the_demo_payment_provider_says_try_again(cache_away):
    provider = DemoPaymentProvider()
    with pytest.raises(PaymentError):
        provider.create(REQUEST)
    with pytest.raises(PaymentError):
        provider.state("demo_abc")
    assert cache.get("anything") is None
