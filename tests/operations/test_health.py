"""Liveness and readiness: cheap, unauthenticated, early in the stack, 503 only when this server cannot serve."""

from __future__ import annotations

import os
import threading

import pytest
import redis
from django.core import checks as django_checks
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis

from digitale_balie_plugin.checks import check_operations
from digitale_balie_plugin.operations import health
from tests.conftest import require

pytestmark = pytest.mark.django_db

LIVE, READY = "/digitale-balie/health/live", "/digitale-balie/health/ready"
#: What production sets: a probe over plain HTTP to the server's own address must still be answered.
PRODUCTION = {"SECURE_SSL_REDIRECT": True, "ALLOWED_HOSTS": ["balie.stad.example"], "DEBUG": False}


def probe(path: str, method: str = "get") -> object:
    """The load balancer's probe: plain HTTP, its own Host header, no cookie."""
    return getattr(Client(), method)(path, HTTP_HOST="10.0.3.7:8000")


def test_the_paths_are_named_in_the_package_urlconf():
    assert reverse("digitale_balie:health_live") == LIVE
    assert reverse("digitale_balie:health_ready") == READY


def untouched(*args, **kwargs):
    raise AssertionError("the liveness probe asked a service")


@override_settings(**PRODUCTION)
def test_liveness_answers_over_plain_http_for_any_host_and_asks_no_service(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(health, "run_checks", untouched)
    monkeypatch.setattr(health.cache, "get", untouched)
    monkeypatch.setattr(ORM, "ping", untouched)
    with django_assert_num_queries(0):
        response = probe(LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@override_settings(**PRODUCTION)
def test_readiness_answers_early_without_session_or_cookie(heartbeat):
    heartbeat()
    response = probe(READY)
    assert response.status_code == 200, response.status_code  # not a redirect to HTTPS, not a 400 for the host
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "ok"},
            "broker": {"status": "ok"},
            "workers": {"status": "ok", "heartbeat_age_seconds": 0.5, "max_age_seconds": 60.0},
        },
    }
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", [LIVE, READY])
def test_head_is_answered_without_a_body_and_other_methods_refused(path):
    head = probe(path, "head")
    assert head.status_code == 200 and head.content == b""
    assert probe(path, "post").status_code == 405
    assert probe(path, "delete").status_code == 405


def test_without_the_middleware_the_urlconf_answers_the_same(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("HealthMiddleware")]
    response = Client().get(READY)
    assert response.status_code == 200 and set(response.json()["checks"]) == set(health.CHECKS)
    assert response["Cache-Control"] == "no-store"
    assert Client().post(READY).status_code == 405


def failing(message: str):
    def check():
        raise OperationalError(message)

    return check


def test_the_database_down_makes_the_server_unready_and_says_nothing_more(monkeypatch, heartbeat):
    heartbeat()
    monkeypatch.setitem(health.CHECKS, "database", failing("could not connect to server db-7.internal port 5432"))
    response = probe(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"status": "down"}
    assert "db-7" not in response.content.decode()  # the reason goes to the log only


@pytest.mark.parametrize("name", ["cache", "broker"])
def test_redis_down_leaves_the_server_serving_degraded(monkeypatch, name, heartbeat):
    """Every app server shares the one Redis: a 503 would take them all out while each still serves (from the
    database, docs/operator.md "When a service is away")."""
    heartbeat()
    monkeypatch.setitem(health.CHECKS, name, failing("Error 111 connecting to redis-3.internal:6379"))
    response = probe(READY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["checks"][name] == {"status": "down"}
    assert "redis-3" not in response.content.decode()


def test_a_cache_that_forgets_is_down(monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    assert health.check_cache() == {"status": "down"}


def test_the_broker_is_pinged(monkeypatch):
    monkeypatch.setattr(ORM, "ping", lambda self: False)
    assert health.check_broker() == {"status": "down"}


def test_no_worker_cluster_is_visible_but_never_takes_the_server_out():
    response = probe(READY)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["workers"] == {
        "status": "none",
        "heartbeat_age_seconds": None,
        "max_age_seconds": 60.0,
    }


def test_a_stale_heartbeat_is_reported_with_its_age_and_the_configurable_threshold(settings, heartbeat):
    heartbeat(seconds_ago=45)
    assert probe(READY).json()["checks"]["workers"]["status"] == "ok"
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "WORKER_HEARTBEAT_MAX_AGE": 30}
    response = probe(READY)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["workers"] == {
        "status": "stale",
        "heartbeat_age_seconds": 45.0,
        "max_age_seconds": 30.0,
    }


def test_the_newest_of_several_clusters_counts(heartbeat):
    heartbeat("old", seconds_ago=500)
    heartbeat("new", seconds_ago=2)
    assert health.check_workers()["heartbeat_age_seconds"] == 2.0


def test_a_hanging_service_times_out_and_is_not_asked_again_while_it_hangs(settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "HEALTH_CHECK_TIMEOUT": 0.2}
    release, calls = threading.Event(), []

    def hangs():
        calls.append(1)
        release.wait(30)
        return {"status": "ok"}

    checks = {"database": hangs, "cache": lambda: {"status": "ok"}}
    try:
        first = health.run_checks(checks, 0.2)
        second = health.run_checks(checks, 0.2)
    finally:
        release.set()
    assert first == second == {"database": {"status": "timeout"}, "cache": {"status": "ok"}}
    assert len(calls) == 1  # the second probe did not start another thread behind the hung one


def test_a_timed_out_required_check_makes_the_server_unready(monkeypatch):
    monkeypatch.setattr(health, "run_checks", lambda checks, timeout: {name: {"status": "ok"} for name in checks})
    assert health.readiness()[0] == 200
    monkeypatch.setattr(
        health,
        "run_checks",
        lambda checks, timeout: {**{name: {"status": "ok"} for name in checks}, "database": {"status": "timeout"}},
    )
    assert health.readiness()[0] == 503


@pytest.mark.parametrize(
    ("key", "value"), [("HEALTH_CHECK_TIMEOUT", 0), ("HEALTH_CHECK_TIMEOUT", "2"), ("WORKER_HEARTBEAT_MAX_AGE", -1)]
)
def test_a_wrong_timeout_is_a_system_check_error(settings, key, value):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, key: value}
    errors = check_operations(None)
    assert [error.id for error in errors] == ["digitale_balie.E030"]
    assert key in errors[0].msg and errors[0].level == django_checks.ERROR


def test_the_checks_on_redis_as_in_production(monkeypatch):
    """The cache and the broker of the production settings: django-redis and django-q2's Redis broker."""
    url = os.environ.get("BALIE_TEST_REDIS", "redis://127.0.0.1:6379/0")
    connection = redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as exc:
        require(False, f"Redis is not reachable at {url}: {exc}")
    caches = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "balie-ops"}}
    monkeypatch.setattr(Redis, "get_connection", staticmethod(lambda list_key=None: connection))
    monkeypatch.setattr(health, "get_broker", lambda: Redis(list_key="balie-test-ops-health"))
    with override_settings(CACHES=caches):
        assert health.check_cache() == {"status": "ok"}
        assert health.check_broker() == {"status": "ok"}
    monkeypatch.setattr(
        Redis, "get_connection", staticmethod(lambda list_key=None: redis.from_url("redis://127.0.0.1:1"))
    )
    assert health.run_checks({"broker": health.check_broker}, 2) == {"broker": {"status": "down"}}
