"""The frozen Monday morning and the site, service, seat and clerk these tests build on; a cluster heartbeat."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage
from django_q.status import Stat, Status

from tests.fixtures import *  # noqa: F403


@pytest.fixture
def heartbeat():
    """Saves a cluster's heartbeat where django-q2's sentinel saves it (``Stat.save``: the broker's stat store,
    here the cache of the ORM broker), ``seconds_ago`` old."""

    def beat(cluster_id: str = "c0ffee", *, seconds_ago: float = 0.5, workers: int = 4) -> Status:
        status = Status(pid=4242, cluster_id=cluster_id)
        status.workers = list(range(workers))
        status.status = "Idle"
        status.timestamp = timezone.now() - timedelta(seconds=seconds_ago)
        get_broker().set_stat(Stat.get_key(cluster_id), SignedPackage.dumps(status, True), 60)
        return status

    return beat
