"""The admin's "Integrations status" page: which provider each kind uses, and whether it answers; the background
workers' heartbeats and the task queue."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitale_balie_plugin.conf import SETTING_NAME, app_settings
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.identity import service as identity_service
from digitale_balie_plugin.integrations import all_registries
from digitale_balie_plugin.integrations.identity.registry import get_identity_providers
from digitale_balie_plugin.integrations.identity.status import check_backend
from digitale_balie_plugin.operations import workers

logger = logging.getLogger("digitale_balie.health")

#: What each integration kind is called on the page; its settings key (``DIGITALE_BALIE["PAYMENTS"]``) is shown
#: beside it for the operator.
KIND_LABELS = {
    "SMS": gettext_lazy("Text messages (SMS)"),
    "VIDEO": gettext_lazy("Video calls"),
    "PAYMENTS": gettext_lazy("Payments"),
    "ANTIVIRUS": gettext_lazy("Virus scanner"),
    "SIGNING": gettext_lazy("Signing documents"),
    "CRM": gettext_lazy("Case records (CRM)"),
    "IDENTITY": gettext_lazy("Identity verification"),
}


def integrations_status(request):
    """Superusers only: the page shows configuration details and calls the providers."""
    if not request.user.is_superuser:
        raise PermissionDenied
    kinds = [_describe(registry) for registry in all_registries()] + _identity(request)
    for kind in kinds:
        kind["label"] = KIND_LABELS.get(kind["kind"], kind["kind"])
        kind["setting"] = "" if kind["kind"] == "IDENTITY" else f'{SETTING_NAME}["{kind["kind"]}"]'
    return TemplateResponse(
        request, "digitale_balie/admin/integrations_status.html", {"kinds": kinds, "workers": _workers()}
    )


def _workers() -> dict:
    """The django-q2 clusters alive now and the task queue, as every app server sees them (``operations.workers``).
    The broker's own error goes to the log; the page says that it did not answer."""
    now = timezone.now()
    try:
        found, queued = workers.clusters(), workers.queue()
    except Exception:  # Redis down, say: the page must still show the integrations
        logger.warning("The task broker did not answer the status page.", exc_info=True)
        return {"problem": _("The task broker did not answer: no worker can be seen, no task is queued.")}
    age = workers.heartbeat_age(found, now)
    return {
        "clusters": [{"cluster": cluster, "age": round(cluster.age(now))} for cluster in found],
        "stale": bool(found) and not workers.heartbeat_fresh(age),
        "max_age": app_settings.WORKER_HEARTBEAT_MAX_AGE,
        "queue_length": queued.length,
        "oldest_age": round(queued.oldest_age(now)) if queued.oldest_enqueued else None,
    }


def _identity(request) -> list[dict]:
    """Identity providers: several can be active at once (the citizen chooses)."""

    return [
        {
            "kind": "IDENTITY",
            "provider": backend.display_name(),
            "problems": _refusal(backend),
            "lines": check_backend(backend, request),
            "demo_warning": _("A demo provider is active on a production site.")
            if backend.is_demo and not settings.DEBUG
            else "",
        }
        for backend in get_identity_providers()
    ]


def _refusal(backend) -> list[str]:
    """The provider refused our client at its last login (and none worked since): the operator's to fix,
    and only the audit log and this page say so."""
    refusal = identity_service.unresolved_refusal(backend.name)
    if refusal is None:
        return []
    return [
        _(
            "The provider refused this site's client at %(time)s (%(detail)s). Check the client id, our keys and "
            "the encryption algorithm registered with the provider."
        )
        % {"time": timezone.localtime(refusal["at"]).strftime("%Y-%m-%d %H:%M"), "detail": refusal["detail"]}
    ]


def _describe(registry) -> dict:
    try:
        provider = registry.get_provider()
    except ConfigurationError as exc:
        return {
            "kind": registry.kind,
            "provider": registry.configured_backend(),
            "problems": [str(exc)],
            "lines": [],
            "demo_warning": "",
        }
    lines = provider.check_status() if hasattr(provider, "check_status") else []
    demo = provider.is_demo and not settings.DEBUG
    return {
        "kind": registry.kind,
        "provider": provider.verbose_name or provider.identifier,
        "problems": [str(problem) for problem in provider.check_config()],
        "lines": lines,
        "demo_warning": _("A demo provider is active on a production site.") if demo else "",
    }
