"""Liveness and readiness for load balancers: cheap, unauthenticated, and revealing nothing.

Liveness answers 200 from the process alone (nothing touched): restart me only if I stop answering.

Readiness asks what this app server needs — the database, the cache, the task broker — and answers **503 only
when the database fails**: without it nothing can be served, so the load balancer should send citizens to a
server that reaches it. Redis (cache and broker) away is reported as ``degraded`` with 200: the counter keeps
serving from the database (rate limits open, live state from the database, tasks kept as one-off schedules —
docs/operator.md, "When a service is away"), and since every app server shares the one Redis, a 503 would take
*all* of them out and turn a slowdown into an outage (a Kubernetes Service does not "fail open"). The worker
clusters' heartbeat is reported the same way, for the same reason. The body names each check and its status
only: no host, version, error text or count.

Each check runs in a thread of its own with ``HEALTH_CHECK_TIMEOUT`` (side by side, so the probe takes at most
that long); a service that hangs answers ``timeout``. While a check still hangs from an earlier probe, this
process does not start another one (the probe answers ``timeout`` at once), so a hung service cannot pile up
threads. The reason a check failed goes to the log (``digitale_balie.health``), never into the answer.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django_q.brokers import get_broker

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.operations import workers

logger = logging.getLogger("digitale_balie.health")

OK, DOWN, TIMEOUT = "ok", "down", "timeout"
#: Worker states: a fresh heartbeat, one older than ``WORKER_HEARTBEAT_MAX_AGE``, no cluster at all.
STALE, NONE = "stale", "none"
#: The checks whose failure makes this app server unready (503).
REQUIRED = ("database",)
#: Shared by every app server: away, they make each server ``degraded`` (200), never unready.
DEGRADING = ("cache", "broker", "workers")

_in_flight: dict[str, threading.Thread] = {}
_in_flight_lock = threading.Lock()


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": OK}


def check_cache() -> dict:
    """A set and a get of a key of this probe's own (two probes never read each other's value)."""
    key, value = f"digitale_balie:health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    return {"status": OK if cache.get(key) == value else DOWN}


def check_broker() -> dict:
    return {"status": OK if get_broker().ping() else DOWN}


def check_workers() -> dict:
    age = workers.heartbeat_age(workers.clusters(), timezone.now())
    status = NONE if age is None else OK if workers.heartbeat_fresh(age) else STALE
    return {
        "status": status,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "max_age_seconds": app_settings.WORKER_HEARTBEAT_MAX_AGE,
    }


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "workers": check_workers,
}


class _Check(threading.Thread):
    """One check, run apart so that the probe can stop waiting for it."""

    def __init__(self, name: str, check: Callable[[], dict]):
        super().__init__(name=f"balie-health-{name}", daemon=True)
        self.check_name, self.check, self.result = name, check, {"status": TIMEOUT}

    def run(self) -> None:
        try:
            self.result = self.check()
        except Exception:  # a probe reports any failure as "down"; what it was goes to the log
            logger.warning("Readiness check %s failed.", self.check_name, exc_info=True)
            self.result = {"status": DOWN}
        finally:
            connections.close_all()  # this thread's own connections: a probe leaves none open


def run_checks(checks: dict[str, Callable[[], dict]], timeout: float) -> dict[str, dict]:
    """Each check's result, waiting at most ``timeout`` seconds for all of them together."""
    started = {name: _start(name, check) for name, check in checks.items()}
    deadline = time.monotonic() + timeout
    results = {}
    for name, thread in started.items():
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
        results[name] = thread.result if thread is not None and not thread.is_alive() else {"status": TIMEOUT}
    return results


def _start(name: str, check: Callable[[], dict]) -> _Check | None:
    """A new thread for the check, or ``None`` while the last one still hangs."""
    with _in_flight_lock:
        previous = _in_flight.get(name)
        if previous is not None and previous.is_alive():
            return None
        thread = _in_flight[name] = _Check(name, check)
    thread.start()
    return thread


def readiness() -> tuple[int, dict]:
    """(HTTP status, body): 503 when the database fails; ``degraded`` when Redis or the workers do."""
    results = run_checks(CHECKS, app_settings.HEALTH_CHECK_TIMEOUT)
    if any(results[name]["status"] != OK for name in REQUIRED):
        return 503, {"status": "unavailable", "checks": results}
    degraded = any(results[name]["status"] != OK for name in DEGRADING)
    return 200, {"status": "degraded" if degraded else OK, "checks": results}


def live_response(request) -> HttpResponse:
    return _answer(request, 200, {"status": OK})


def ready_response(request) -> HttpResponse:
    return _answer(request, *readiness())


def _answer(request, status: int, body: dict) -> HttpResponse:
    """JSON, never stored; a HEAD gets the status and headers only. No session, no cookie is touched."""
    response = JsonResponse(body, status=status)
    if request.method == "HEAD":
        response.content = b""
    response["Cache-Control"] = "no-store"
    return response
