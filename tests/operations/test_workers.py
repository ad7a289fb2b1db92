"""The task queue as the app servers read it, on both brokers: its length and the age of its oldest task."""

from __future__ import annotations

import os
import secrets

import pytest
import redis
from django_q.brokers.redis_broker import Redis
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from digitale_balie_plugin.operations import workers
from tests.conftest import require

pytestmark = pytest.mark.django_db


def test_the_orm_brokers_queue(frozen_now):
    assert workers.queue() == workers.Queue(length=0, oldest_enqueued=None)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False)
    frozen_now.shift(30)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False)
    frozen_now.shift(30)
    queued = workers.queue()
    assert queued.length == 2
    assert queued.oldest_age(workers.timezone.now()) == 60


def test_a_package_that_is_not_ours_has_no_age():
    assert workers._enqueued("not a signed package") is None
    assert workers._enqueued(SignedPackage.dumps({"started": "yesterday"})) is None


@pytest.fixture
def redis_broker(monkeypatch):
    """django-q2's Redis broker on a queue of this test's own (the server may be shared with other tests)."""
    url = os.environ.get("BALIE_TEST_REDIS", "redis://127.0.0.1:6379/0")
    connection = redis.from_url(url)
    try:
        connection.ping()
    except redis.RedisError as exc:
        require(False, f"Redis is not reachable at {url}: {exc}")
    monkeypatch.setattr(Redis, "get_connection", staticmethod(lambda list_key=None: connection))
    broker = Redis(list_key=f"balie-test-ops-{secrets.token_hex(4)}")
    yield broker
    broker.delete_queue()


def test_the_redis_brokers_queue(redis_broker, frozen_now):
    assert workers.queue(redis_broker) == workers.Queue(length=0, oldest_enqueued=None)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False, broker=redis_broker)
    frozen_now.shift(40)
    async_task("digitale_balie_plugin.tasks.expire_actions_task", sync=False, broker=redis_broker)
    frozen_now.shift(5)
    queued = workers.queue(redis_broker)
    assert queued.length == 2
    assert queued.oldest_age(workers.timezone.now()) == 45  # the head of the list, not its tail
