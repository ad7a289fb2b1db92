"""The integrations status page shows the worker clusters' heartbeats and the task queue."""

from __future__ import annotations

import pytest
import redis
import responses
from django_q.brokers.orm import ORM
from django_q.tasks import async_task

from tests.admin_pages import reads_admin_in

pytestmark = pytest.mark.django_db

URL = "/admin/digitale-balie/status/"


@pytest.fixture
def admin_client(admin_client, admin_user):
    """The page in English (the admin speaks each user's own language; the site's default is Dutch)."""
    reads_admin_in(admin_user, "en")
    return admin_client


def status_page(admin_client) -> str:
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # no provider is reachable in tests
        response = admin_client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_clusters_and_the_queue(admin_client, heartbeat, frozen_now):
    heartbeat("c0ffee", seconds_ago=2, workers=4)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False)
    frozen_now.shift(45)  # within the heartbeat's expiry in the cache
    html = status_page(admin_client)
    assert "Background workers" in html
    assert "<code>c0ffee</code>" in html and "Idle" in html
    assert "<td>4</td>" in html
    assert "47 seconds ago" in html
    assert "Tasks waiting in the queue: 1" in html and "the oldest has waited 45 seconds" in html
    assert "No worker cluster is running" not in html


def test_no_cluster_is_said_plainly(admin_client):
    html = status_page(admin_client)
    assert "No worker cluster is running" in html
    assert "Tasks waiting in the queue: 0" in html and "the oldest" not in html


def test_a_stale_heartbeat_is_flagged(admin_client, heartbeat, settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "WORKER_HEARTBEAT_MAX_AGE": 10}
    heartbeat(seconds_ago=30)
    assert "The newest heartbeat is older than 10" in status_page(admin_client)


def test_a_broker_that_does_not_answer_leaves_the_page_readable(admin_client, monkeypatch):
    def refuses(self):
        raise redis.ConnectionError("Error 111 connecting to redis.internal:6379")

    monkeypatch.setattr(ORM, "queue_size", refuses)
    html = status_page(admin_client)
    assert "The task broker did not answer" in html
    assert "redis.internal" not in html
