"""Prometheus metrics of the shared state: computed at scrape time from the database and the broker.

Why a collector and not ``django-prometheus``: its figures are per process (requests, latencies of *this*
gunicorn worker), which under gunicorn need a multiprocess directory on local disk and a scrape of every
server. What a city alerts on — citizens waiting, calls, the queue, failed deliveries — is shared state: any
app server computes the same figures from PostgreSQL and Redis, so one scrape of the site's own address is
enough. Request figures belong to the reverse proxy or load balancer, which already has them.

Cost: a constant number of queries whatever the data (eight on the ORM broker, six on Redis; tested), each an
aggregate except today's waits (one row per conversation started today). Names start with ``balie_``;
``site`` is the Wagtail site's host name. docs/operator.md lists them with example alerts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from digitale_balie_plugin.booking.notifications import delivery_summary
from digitale_balie_plugin.dashboard.metrics import bounds
from digitale_balie_plugin.identity.service import VERIFY_KIND
from digitale_balie_plugin.models import ActionStatus, CallSession, CaseRecord, InCallAction, Notification, Payment
from digitale_balie_plugin.models.calls import SessionStatus
from digitale_balie_plugin.models.cases import CaseStatus
from digitale_balie_plugin.models.payments import PaymentStatus
from digitale_balie_plugin.operations import workers

#: Bucket bounds of the wait histogram, in seconds (an operator's "within 5 minutes" is a bucket).
WAIT_BUCKETS = (60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)
#: The outcomes that no longer change: counted as such (a counter only goes up).
FINAL_VERIFICATIONS = (ActionStatus.COMPLETED, ActionStatus.FAILED, ActionStatus.EXPIRED, ActionStatus.CANCELLED)
FINAL_PAYMENTS = (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED)
#: ``delivery_summary`` figures, as (channel, result) labels.
DELIVERIES = {
    "emails_sent": ("email", "sent"),
    "emails_failed": ("email", "failed"),
    "sms_sent": ("sms", "sent"),
    "sms_delivered": ("sms", "delivered"),
    "sms_failed": ("sms", "failed"),
}


class CounterCollector(Collector):
    """Everything below, for a ``CollectorRegistry`` of its own (not the process's global one)."""

    def collect(self):
        now = timezone.now()
        yield from conversations(now)
        yield waits_today(now)
        yield from task_queue(now)
        yield deliveries(now)
        yield case_records()
        yield verifications()
        yield payments()


def conversations(now):
    waiting = GaugeMetricFamily("balie_waiting_citizens", "Citizens in a waiting room now.", labels=["site"])
    calls = GaugeMetricFamily("balie_active_calls", "Conversations going on now.", labels=["site"])
    longest = GaugeMetricFamily(
        "balie_longest_wait_seconds", "How long the citizen waiting longest has waited, now.", labels=["site"]
    )
    is_waiting = Q(status=SessionStatus.WAITING)
    rows = (
        CallSession.objects.filter(status__in=[SessionStatus.WAITING, SessionStatus.IN_CALL])
        .values("site__hostname")
        .annotate(
            waiting=Count("pk", filter=is_waiting),
            calls=Count("pk", filter=Q(status=SessionStatus.IN_CALL)),
            since=Min("waiting_since", filter=is_waiting),
        )
        .order_by("site__hostname")
    )
    for row in rows:
        site = [row["site__hostname"]]
        waiting.add_metric(site, row["waiting"])
        calls.add_metric(site, row["calls"])
        longest.add_metric(site, max(0.0, (now - row["since"]).total_seconds()) if row["since"] else 0.0)
    return waiting, calls, longest


def waits_today(now) -> HistogramMetricFamily:
    """Waits (waiting room to start) of the conversations started today; starts again at local midnight."""
    since, _until = bounds(timezone.localdate(now), timezone.localdate(now))
    rows = (
        CallSession.objects.filter(started_at__gte=since, waiting_since__isnull=False)
        .filter(started_at__gte=F("waiting_since"))
        .values_list("site__hostname", "waiting_since", "started_at")
    )
    waits = defaultdict(list)
    for site, waiting_since, started_at in rows:
        waits[site].append((started_at - waiting_since).total_seconds())
    family = HistogramMetricFamily(
        "balie_wait_seconds", "Waits of today's started conversations (reset at local midnight).", labels=["site"]
    )
    for site, seconds in sorted(waits.items()):
        buckets = [(str(bound), sum(wait <= bound for wait in seconds)) for bound in WAIT_BUCKETS]
        family.add_metric([site], [*buckets, ("+Inf", len(seconds))], sum(seconds))
    return family


def task_queue(now):
    found = workers.clusters()
    queued = workers.queue()
    yield GaugeMetricFamily("balie_task_queue_length", "Background tasks waiting for a worker.", value=queued.length)
    yield GaugeMetricFamily(
        "balie_task_queue_oldest_age_seconds",
        "How long the oldest waiting task has waited (0 when none waits).",
        value=queued.oldest_age(now),
    )
    yield GaugeMetricFamily("balie_worker_clusters", "django-q2 clusters with a live heartbeat.", value=len(found))
    yield GaugeMetricFamily(
        "balie_worker_workers", "Worker processes of those clusters.", value=sum(c.workers for c in found)
    )
    age = workers.heartbeat_age(found, now)
    if age is not None:
        yield GaugeMetricFamily("balie_worker_heartbeat_age_seconds", "Age of the newest cluster heartbeat.", value=age)


def deliveries(now) -> GaugeMetricFamily:
    figures = delivery_summary(Notification.objects.filter(created_at__gte=now - timedelta(hours=24)))
    family = GaugeMetricFamily(
        "balie_notifications_last_24h",
        "E-mails and text messages of the last 24 hours by result (failed: will retry or gave up).",
        labels=["channel", "result"],
    )
    for name, labels in DELIVERIES.items():
        family.add_metric(labels, figures[name])
    return family


def case_records() -> GaugeMetricFamily:
    family = GaugeMetricFamily("balie_case_records", "Case records for the CRM, by status.", labels=["status"])
    counts = dict(CaseRecord.objects.values_list("status").annotate(n=Count("pk")).order_by())
    for status in CaseStatus.values:
        family.add_metric([status], counts.get(status, 0))
    return family


def verifications() -> CounterMetricFamily:
    family = CounterMetricFamily(
        "balie_identity_verifications",
        "Identity verifications that ended, by outcome and failure reason.",
        labels=["site", "outcome", "reason"],
    )
    rows = (
        InCallAction.objects.filter(kind=VERIFY_KIND, status__in=FINAL_VERIFICATIONS)
        .values_list("session__site__hostname", "status", "identity__failure_reason")
        .annotate(n=Count("pk"))
        .order_by("session__site__hostname", "status", "identity__failure_reason")
    )
    for site, status, reason, n in rows:
        family.add_metric([site, status, reason or ""], n)
    return family


def payments() -> CounterMetricFamily:
    family = CounterMetricFamily("balie_payments", "Payments that ended, by status.", labels=["site", "status"])
    rows = (
        Payment.objects.filter(status__in=FINAL_PAYMENTS)
        .values_list("action__session__site__hostname", "status")
        .annotate(n=Count("pk"))
        .order_by("action__session__site__hostname", "status")
    )
    for site, status, n in rows:
        family.add_metric([site, status], n)
    return family
