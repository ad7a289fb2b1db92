"""``LivePollMiddleware``: the console's signed poll token and the one-round-trip heartbeat on real Redis."""

import os
from datetime import timedelta

import pytest
import redis
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from digitale_balie_plugin import live
from digitale_balie_plugin.calls import sessions
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.conftest import require

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(seat, clerk):
    client = clerk_client_for_seat(seat, clerk)
    url = reverse("digitale_balie:seat_state", args=[seat.pk])
    first = client.get(url)
    return client, url, first["ETag"], first.json()["poll_token"]


def test_a_poll_token_answers_unchanged_polls_from_the_cache_alone(console, django_assert_num_queries):
    client, url, etag, token = console
    assert token
    with django_assert_num_queries(0):  # no session, no user, no permission lookup
        assert client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token).status_code == 304


def test_a_poll_token_is_useless_without_the_clerks_session_cookie(console, seat):
    _client, url, etag, token = console
    stranger = Client()
    assert stranger.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token).status_code == 404
    stranger.cookies["sessionid"] = "someone-elses-session"
    assert stranger.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token).status_code == 404


def test_a_poll_token_is_bound_to_its_seat_and_version_and_expires(console, seat, service, frozen_now):
    from tests.factories import SeatFactory

    client, url, etag, token = console
    other = SeatFactory(services_for=service)
    other_url = reverse("digitale_balie:seat_state", args=[other.pk])
    assert client.get(other_url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token).status_code == 404  # not theirs
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=tampered).status_code == 304  # normal path
    frozen_now.shift(timedelta(seconds=61))
    response = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token)
    assert response.status_code == 304  # the expired token is ignored; the normal path still answers
    live.bump(type("S", (), {"pk": 0, "seat_id": seat.pk})())  # something changed at this seat
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token)
    assert changed.status_code == 200 and changed.json()["poll_token"] != token


@pytest.fixture
def redis_cache():
    url = os.environ.get("BALIE_TEST_REDIS", "redis://127.0.0.1:6379/0")
    settings = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "balie-test-fast"}
    }
    with override_settings(CACHES=settings):
        backend = caches["default"]
        try:
            backend.client.get_client().ping()
        except redis.RedisError as exc:
            require(False, f"Redis is not reachable at {url}: {exc}")
        backend.clear()
        yield backend
        backend.clear()


def test_the_heartbeat_takes_one_round_trip_on_redis(redis_cache):
    owner_key = sessions._cache_keys("d" * 64)[0]
    assert live.beat_if_owner(owner_key, 7) is None  # the cache cannot vouch for this cookie
    redis_cache.set(owner_key, 8, 60)
    assert live.beat_if_owner(owner_key, 7) is None  # a cookie of another conversation
    redis_cache.set(owner_key, 7, 60)
    assert live.beat_if_owner(owner_key, 7) is True  # an arrival
    assert live.beat_if_owner(owner_key, 7) is False  # present already
    assert live.present([7, 8]) == {7}
    ttl = redis_cache.ttl(live.presence_key(7))
    assert 0 < ttl <= live.PRESENCE_SECONDS


def test_the_generic_path_on_other_caches(db):
    owner_key, until_key = sessions._cache_keys("e" * 64)
    from django.core.cache import cache
    from django.utils import timezone

    assert live.beat_if_owner(owner_key, 7) is live.UNSUPPORTED
    cache.set_many({owner_key: 7, until_key: timezone.now() + timedelta(minutes=1)})
    assert sessions.cached_heartbeat(7, None) is None
