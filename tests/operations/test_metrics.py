"""The Prometheus endpoint: closed without its token, figures of the shared state, constant cost."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task
from prometheus_client.parser import text_string_to_metric_families

from digitale_balie_plugin.checks import check_operations
from digitale_balie_plugin.models import (
    ActionStatus,
    CallSession,
    CaseRecord,
    IdentityVerification,
    InCallAction,
    Notification,
    Payment,
)
from digitale_balie_plugin.operations import metrics as collector
from tests.factories import SeatFactory, ServiceFactory, SiteFactory

pytestmark = pytest.mark.django_db

TOKEN = "m" * 43
URL = "/digitale-balie/metrics"
#: Queries of one scrape on the ORM broker, whatever the data (docs/operator.md; the module docstring).
QUERIES = 8


@pytest.fixture
def token(settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "METRICS_TOKEN": TOKEN}


def scrape(**headers) -> object:
    return Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **headers)


def samples(response) -> dict[tuple, float]:
    """(sample name, sorted labels) → value."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


ROOMS = itertools.count()


def session(seat, status, *, waited=None, started=None):
    now = timezone.now()
    return CallSession.objects.create(
        site=seat.site,
        seat=seat,
        status=status,
        planned_start=now,
        room_name=f"metrics-room-{next(ROOMS)}",
        waiting_since=now - timedelta(minutes=waited) if waited is not None else None,
        started_at=now - timedelta(minutes=started) if started is not None else None,
    )


def action(conversation, kind, status):
    return InCallAction.objects.create(session=conversation, kind=kind, status=status, expires_at=timezone.now())


@pytest.fixture
def busy_morning(seat, service):
    """Two citizens waiting (10 and 3 minutes), a call going on, conversations started today and yesterday,
    verifications, payments, a failed case record and a failed e-mail."""
    session(seat, "waiting", waited=10)
    session(seat, "waiting", waited=3)
    in_call = session(seat, "in_call", waited=25, started=20)  # waited 5 minutes
    ended = session(seat, "ended", waited=62, started=60)  # waited 2 minutes
    session(seat, "ended", waited=24 * 60 + 30, started=24 * 60)  # yesterday: not in today's waits
    elsewhere = SeatFactory(services_for=ServiceFactory(site=SiteFactory(hostname="gent.test")))
    session(elsewhere, "waiting", waited=1)
    action(in_call, "verify_identity", ActionStatus.COMPLETED)
    failed = action(ended, "verify_identity", ActionStatus.FAILED)
    IdentityVerification.objects.create(action=failed, failure_reason="cancelled")
    action(in_call, "verify_identity", ActionStatus.IN_PROGRESS)  # not ended: not counted
    for status in ("paid", "paid", "expired", "open"):
        Payment.objects.create(
            action=action(ended, "request_payment", ActionStatus.COMPLETED),
            amount=Decimal("12.50"),
            description="Uittreksel",
            provider="demo",
            status=status,
        )
    CaseRecord.objects.create(session=ended, provider="demo", status="failed")
    Notification.objects.create(session=ended, kind="summary", channel="email", dedupe_key="m1", status="gave_up")
    Notification.objects.create(session=ended, kind="summary", channel="sms", dedupe_key="m2", status="sent")


def test_without_the_setting_there_is_no_endpoint():
    assert reverse("digitale_balie:metrics") == URL
    assert scrape().status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer " + "n" * 43])
def test_a_wrong_or_missing_token_is_refused(token, header):
    response = Client().get(URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"balie_" not in response.content


def test_the_figures_of_a_busy_morning(token, busy_morning, frozen_now):
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False)
    frozen_now.shift(90)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False)
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    found = samples(response)
    here, gent = (("site", "localhost"),), (("site", "gent.test"),)
    assert found[("balie_waiting_citizens", here)] == 2
    assert found[("balie_waiting_citizens", gent)] == 1
    assert found[("balie_active_calls", here)] == 1
    assert found[("balie_longest_wait_seconds", here)] == 10 * 60 + 90
    # today's waits: 2 and 5 minutes
    assert found[("balie_wait_seconds_count", here)] == 2
    assert found[("balie_wait_seconds_sum", here)] == 420
    assert found[("balie_wait_seconds_bucket", (("le", "120.0"), *here))] == 1
    assert found[("balie_wait_seconds_bucket", (("le", "300.0"), *here))] == 2
    assert found[("balie_task_queue_length", ())] == 2
    assert found[("balie_task_queue_oldest_age_seconds", ())] == 90
    assert found[("balie_worker_clusters", ())] == 0
    assert ("balie_worker_heartbeat_age_seconds", ()) not in found  # no cluster: no age (alert on the count)
    assert found[("balie_notifications_last_24h", (("channel", "email"), ("result", "failed")))] == 1
    assert found[("balie_notifications_last_24h", (("channel", "sms"), ("result", "sent")))] == 1
    assert found[("balie_case_records", (("status", "failed"),))] == 1
    assert found[("balie_case_records", (("status", "sent"),))] == 0
    verified = ("balie_identity_verifications_total", (("outcome", "completed"), ("reason", ""), *here))
    cancelled = ("balie_identity_verifications_total", (("outcome", "failed"), ("reason", "cancelled"), *here))
    assert found[verified] == 1 and found[cancelled] == 1
    assert found[("balie_payments_total", (*here, ("status", "paid")))] == 2
    assert found[("balie_payments_total", (*here, ("status", "expired")))] == 1
    assert ("balie_payments_total", (*here, ("status", "open"))) not in found  # not ended yet


def test_a_live_cluster_is_counted_with_its_heartbeat(token, heartbeat):
    heartbeat("a", seconds_ago=2, workers=4)
    heartbeat("b", seconds_ago=1, workers=2)
    found = samples(scrape())
    assert found[("balie_worker_clusters", ())] == 2
    assert found[("balie_worker_workers", ())] == 6
    assert found[("balie_worker_heartbeat_age_seconds", ())] == 1


def test_the_number_of_queries_does_not_grow_with_the_data(token, django_assert_num_queries, seat, service):
    with django_assert_num_queries(QUERIES):
        assert scrape().status_code == 200
    for _n in range(3):
        session(seat, "waiting", waited=4)
        session(seat, "ended", waited=9, started=5)
    with django_assert_num_queries(QUERIES):
        assert scrape().status_code == 200


def test_a_database_that_does_not_answer_is_a_503_not_a_500(token, monkeypatch):
    def down(now):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(collector, "conversations", down)
    response = scrape()
    assert response.status_code == 503 and b"closed" not in response.content


def test_a_short_token_is_a_system_check_error(settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "METRICS_TOKEN": "letmein"}
    assert [error.id for error in check_operations(None)] == ["digitale_balie.E031"]
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "METRICS_TOKEN": TOKEN}
    assert check_operations(None) == []
