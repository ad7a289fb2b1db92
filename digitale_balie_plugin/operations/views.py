"""The health probes (also answered early by ``middleware.HealthMiddleware``) and the Prometheus endpoint."""

from __future__ import annotations

import hmac

from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.operations import health
from digitale_balie_plugin.operations.metrics import CounterCollector


@require_safe
def live(request):
    return health.live_response(request)


@require_safe
def ready(request):
    return health.ready_response(request)


@require_safe
def metrics(request):
    """Prometheus' scrape: 404 unless ``METRICS_TOKEN`` is set, 401 without that bearer token, 503 when the
    database does not answer (Prometheus marks the target down; the readiness probe says why)."""
    token = app_settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not _bearer_matches(request, token):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return _no_store(response)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CounterCollector())
    try:
        body = generate_latest(registry)
    except DatabaseError:
        return _no_store(HttpResponse(status=503))
    return _no_store(HttpResponse(body, content_type=CONTENT_TYPE_LATEST))


def _bearer_matches(request, token: str) -> bool:
    scheme, _space, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
