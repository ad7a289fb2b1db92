"""Citizen side of a strong-identity verification: consent → identity provider → result.

The consent page says who asks (municipality, service, the clerk's first name), what will be shared,
and that the citizen is talking to that person right now — so a phisher who forwards a code cannot
pass as the city. Only the browser that took the request (``actions.handover.claim``) gets in.

The login leaves with a POST (python-social-auth starts logins with POST, against login CSRF) and
comes back to ``complete``, outside the page tree because the provider needs one fixed redirect
URI; ``complete`` always ends on the counter page's result route, whatever went wrong.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from joserfc.errors import JoseError
from social_core.exceptions import (
    AuthCanceled,
    AuthInputError,
    AuthProviderError,
    AuthSessionError,
    SocialAuthBaseException,
)
from social_django.utils import load_backend, load_strategy
from wagtail.models import Site

from digitale_balie_plugin.actions.access import detail_for_browser
from digitale_balie_plugin.identity import service
from digitale_balie_plugin.identity.pipeline import VerificationFailed, result_url
from digitale_balie_plugin.integrations.identity.base import PENDING_KEY, ProviderRefused, failed_check
from digitale_balie_plugin.integrations.identity.registry import get_identity_providers, identity_provider_for
from digitale_balie_plugin.links import counter_page_for
from digitale_balie_plugin.models import ActionStatus, FailureReason, SessionStatus
from digitale_balie_plugin.models.audit import record, record_about
from digitale_balie_plugin.models.choices import current_language
from digitale_balie_plugin.models.settings import CounterSettings, clerk_as_seen
from digitale_balie_plugin.responses import invalid_link, render
from digitale_balie_plugin.security import allow_form_targets

logger = logging.getLogger(__name__)


def _verification_for_browser(request, page, action_id):
    """The request, if this browser took it — or, from the video room, takes it now (citizen role only)."""
    return detail_for_browser(request, page, action_id, service.VERIFY_KIND, service.verification_for)


def _redirect_uri(backend_name: str) -> str:
    return reverse("digitale_balie:identity_complete", args=[backend_name])


def consent(request, page, action_id):
    verification = _verification_for_browser(request, page, action_id)
    if verification is None:
        return invalid_link(request, page)
    action = verification.action
    if action.is_final:
        return HttpResponseRedirect(result_url(request, verification))
    error = ""
    if request.method == "POST":
        backend_class = identity_provider_for(request.POST.get("provider", ""))
        if backend_class is None:
            error = _("Choose how you want to prove who you are.")
        else:
            response = _begin(request, verification, backend_class)
            if response is not None:
                return response
            error = _(
                "%(provider)s cannot be reached right now. Try again in a few minutes, or choose another way."
            ) % {"provider": backend_class.display_name()}
    response = render(
        request,
        page,
        "verify_consent.html",
        _consent_context(request, verification, error),
        status=400 if error else 200,
    )
    return allow_form_targets(response, _provider_origins(request))


def _provider_origins(request) -> list[str]:
    """Where the login leaves to: the origin of each configured provider's endpoint."""
    strategy = load_strategy(request)
    origins = []
    for backend_class in get_identity_providers():
        try:
            parts = urlsplit(backend_class(strategy).oidc_endpoint())
        except (SocialAuthBaseException, ValueError):
            continue
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def _consent_context(request, verification, error):
    action = verification.action
    session = action.session
    clerk = action.created_by
    settings_ = CounterSettings.for_site(session.site)
    return {
        "verification": verification,
        "municipality": settings_.display_name(session.site),
        "service": session.service,
        "clerk_name": clerk_as_seen(clerk, session.site),
        "channel": session.get_channel_display(),
        "in_conversation": session.status in (SessionStatus.IN_CALL, SessionStatus.WAITING),
        "providers": [(backend.name, backend.display_name()) for backend in get_identity_providers()],
        "error": error,
    }


def _begin(request, verification, backend_class):
    """Leave for the provider; ``None`` when it cannot be reached (the citizen may try another)."""
    strategy = load_strategy(request)
    backend = load_backend(strategy, backend_class.name, redirect_uri=_redirect_uri(backend_class.name))
    strategy.session_set(
        PENDING_KEY,
        {
            "action": verification.action_id,
            "level": verification.required_level,
            "language": current_language(),
        },
    )
    try:
        response = backend.start()
    except (SocialAuthBaseException, requests.RequestException, JoseError, ValueError) as exc:
        logger.warning("Identity provider %s unavailable at start: %s", backend_class.name, type(exc).__name__)
        record(
            "identity.provider_unavailable",
            verification,
            actor_label="citizen",
            site=verification.action.session.site,
            provider=backend_class.name,
            error=type(exc).__name__,
        )
        return None
    finally:
        strategy.session_pop(PENDING_KEY)
    service.start(verification, backend_class.name)
    return response


@require_safe
def result(request, page, action_id):
    verification = _verification_for_browser(request, page, action_id)
    if verification is None:
        return invalid_link(request, page)
    action = verification.action
    return render(
        request,
        page,
        "verify_result.html",
        {
            "verification": verification,
            "verified": action.status == ActionStatus.COMPLETED,
            "failed": action.status in (ActionStatus.FAILED, ActionStatus.EXPIRED, ActionStatus.CANCELLED),
            "reason": FailureReason(verification.failure_reason).label if verification.failure_reason else "",
            "retry_url": request.path.removesuffix("result/"),
            "in_video_call": action.session.is_video,
            # A signature that waited for this verification (``views.signatures``): back to it.
            "continue_url": request.session.get("digitale_balie_then", "")
            if action.status == ActionStatus.COMPLETED
            else "",
        },
    )


# --- the provider's redirect back -------------------------------------------------------------


FAILURES = (
    (ProviderRefused, FailureReason.PROVIDER_REFUSED),
    (AuthCanceled, FailureReason.CANCELLED),
    (AuthSessionError, FailureReason.SESSION_LOST),
    (AuthInputError, FailureReason.SESSION_LOST),
    (AuthProviderError, FailureReason.PROVIDER_UNAVAILABLE),
    (requests.RequestException, FailureReason.PROVIDER_UNAVAILABLE),
)


def _reason_for(exc) -> str:
    for kind, reason in FAILURES:
        if isinstance(exc, kind):
            return reason
    return FailureReason.INVALID_RESPONSE


def _detail_for(exc) -> str:
    """What the audit log keeps beside the check: where it failed and what the operator needs to know (the
    provider's own words for a refusal); never a token or a claim's value."""
    if hasattr(exc, "audit_detail"):
        return exc.audit_detail()
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}: {getattr(exc, 'code', '')}" + (f" (HTTP {status})" if status else "")


@never_cache
@require_GET
def complete(request, backend):
    """Every outcome ends on the result page, with the request updated and an audit event written."""
    if identity_provider_for(backend) is None:
        raise Http404
    strategy = load_strategy(request)
    auth = load_backend(strategy, backend, redirect_uri=_redirect_uri(backend))
    context = _context_from_state(auth, request.GET.get("state"))
    try:
        return auth.complete()
    except VerificationFailed as exc:
        verification = service.verification_for(auth.verification_context().get("action"))
        reason, check, detail, identity = exc.reason, exc.check, exc.detail, exc.identity
    except (SocialAuthBaseException, requests.RequestException, JoseError, ValueError, TypeError) as exc:
        context = auth.verification_context() or context
        verification = service.verification_for(context.get("action"))
        reason, check, detail, identity = _reason_for(exc), failed_check(exc), _detail_for(exc), None
    if reason == FailureReason.PROVIDER_REFUSED:
        logger.error(
            "Identity provider %s refused our client: %s. Check the client id, keys and algorithms registered "
            "with the provider (docs/operator.md, 'Identity verification').",
            backend,
            detail,
        )
    if verification is None:
        return _refused(request, backend, reason, detail, check)
    logger.info("Identity verification %s failed: %s, check %s (%s)", verification.pk, reason, check or "-", detail)
    service.fail(verification, reason, identity=identity, detail=detail, check=check, provider=backend)
    return HttpResponseRedirect(result_url(request, verification))


def _context_from_state(backend, state) -> dict:
    """Which request a callback belongs to, from this browser's own session (never from the URL alone)."""
    if not isinstance(state, str) or not state or len(state) > 128:
        return {}
    transaction = backend.strategy.session_get(backend.transaction_key(state))
    return transaction.get("balie") or {} if isinstance(transaction, dict) else {}


def _refused(request, backend, reason, detail, check=""):
    """A callback that belongs to no request of this browser: a foreign or replayed state."""
    record_about(
        "identity.callback_refused",
        "digitale_balie.identityverification",
        actor_label="citizen",
        provider=backend,
        reason=reason,
        check=str(check),
        detail=detail[:200],
    )
    site = Site.find_for_request(request)
    page = counter_page_for(site) if site else None
    if page is None:
        raise Http404
    return render(request, page, "verify_refused.html", {"home_url": page.get_url(request)}, status=400)


@require_GET
def jwks(request):
    """Our public keys (signature and encryption) for every configured backend: the ``jwks_uri`` to
    register with itsme and other providers that use ``private_key_jwt`` or encrypt to us."""
    strategy = load_strategy(request)
    keys, seen = [], set()
    for backend_class in get_identity_providers():
        for key in backend_class(strategy).public_jwks()["keys"]:
            if key.get("kid") not in seen:
                seen.add(key.get("kid"))
                keys.append(key)
    response = JsonResponse({"keys": keys})
    response["Cache-Control"] = "public, max-age=3600"
    return response
