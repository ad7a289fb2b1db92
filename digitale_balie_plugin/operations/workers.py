"""The background workers as every app server sees them: django-q2's cluster heartbeats and its task queue.

Why django-q2's own ``Stat``: each cluster's sentinel saves one every guard cycle (half a second) with a
3-second expiry, in the broker (Redis) or the cache (ORM broker), which every app server shares. So the list
holds exactly the clusters alive now, wherever they run, at no cost to the workers; a cluster that dies
drops off within seconds. The newest heartbeat's age is what the readiness probe and the metrics report:
"none" or older than ``WORKER_HEARTBEAT_MAX_AGE`` (a hung sentinel, a cluster whose clock is off) means no task
runs. Use a broker Redis database of its own: django-q2 lists the heartbeats with ``KEYS``.

The queue: its length from the broker (``queue_size()``: tasks not claimed by a worker), and the enqueue time
of the task at its head, read from the signed package django-q2 stores (``task["started"]``) — the ORM broker's
first row, the Redis broker's first list item (it pushes right, pops left). Other brokers: no age.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django_q.brokers import Broker, get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.signing import BadSignature, SignedPackage
from django_q.status import Stat

from digitale_balie_plugin.conf import app_settings


@dataclass(frozen=True)
class Cluster:
    """One running django-q2 cluster, from its last heartbeat."""

    cluster_id: str
    host: str
    status: str
    workers: int
    heartbeat: datetime

    def age(self, now: datetime) -> float:
        return max(0.0, (now - self.heartbeat).total_seconds())


@dataclass(frozen=True)
class Queue:
    length: int
    oldest_enqueued: datetime | None

    def oldest_age(self, now: datetime) -> float:
        """Seconds the task at the head has waited (0 when the queue is empty)."""
        return max(0.0, (now - self.oldest_enqueued).total_seconds()) if self.oldest_enqueued else 0.0


def clusters(broker: Broker | None = None) -> list[Cluster]:
    """The clusters alive now, newest heartbeat first."""
    found = [
        Cluster(
            cluster_id=str(stat.cluster_id),
            host=str(stat.host),
            status=str(stat.status),
            workers=len(stat.workers),
            heartbeat=stat.timestamp,
        )
        for stat in Stat.get_all(broker or get_broker())
    ]
    return sorted(found, key=lambda cluster: cluster.heartbeat, reverse=True)


def heartbeat_age(found: list[Cluster], now: datetime) -> float | None:
    """Seconds since the newest heartbeat, ``None`` when no cluster runs."""
    return found[0].age(now) if found else None


def heartbeat_fresh(age: float | None) -> bool:
    return age is not None and age <= app_settings.WORKER_HEARTBEAT_MAX_AGE


def queue(broker: Broker | None = None) -> Queue:
    """The task queue's length and when its oldest task was enqueued (at most two queries, ORM broker)."""
    broker = broker or get_broker()
    return Queue(length=broker.queue_size() or 0, oldest_enqueued=_enqueued(_head(broker)))


def _head(broker: Broker) -> str | bytes | None:
    if isinstance(broker, ORM):
        rows = broker.get_connection().filter(key=broker.list_key, lock__lte=timezone.now()).order_by("id")
        return rows.values_list("payload", flat=True).first()
    if isinstance(broker, Redis):
        return broker.connection.lindex(broker.list_key, 0)
    return None


def _enqueued(package) -> datetime | None:
    if not package:
        return None
    try:
        started = SignedPackage.loads(package).get("started")
    except (BadSignature, pickle.UnpicklingError, AttributeError, TypeError, ValueError):
        return None
    return started if isinstance(started, datetime) else None
