"""Citizen side of a payment request: what and how much → the provider's checkout → the real status.

The checkout is always a full redirect to the provider's own page (no card or bank fields on ours,
never an iframe). The return page shows what the provider says now — which may still be "being
processed" — and updates itself; it never trusts the fact that the citizen came back.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from digitale_balie_plugin.actions.access import detail_for_browser
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError, CounterError
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models.choices import current_language
from digitale_balie_plugin.models.settings import CounterSettings, clerk_as_seen
from digitale_balie_plugin.payments import service
from digitale_balie_plugin.payments.forms import ReceiptForm
from digitale_balie_plugin.payments.money import euro
from digitale_balie_plugin.payments.presentation import citizen_status
from digitale_balie_plugin.payments.receipts import receipt_address
from digitale_balie_plugin.responses import invalid_link, rate_limited, render
from digitale_balie_plugin.security import allow_form_targets

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _payment_for_browser(request, page, action_id):
    return detail_for_browser(request, page, action_id, service.PAYMENT_KIND, service.payment_for)


@never_cache
@rate_limited("pay", lambda: app_settings.CODE_RATE_LIMIT)
def pay(request, page, action_id):
    payment = _payment_for_browser(request, page, action_id)
    if payment is None:
        return invalid_link(request, page)
    if payment.is_paid or not payment.action.is_open:
        return HttpResponseRedirect(citizen_url(page.get_site(), "pay_result", payment.action_id, page=page))
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            return HttpResponseRedirect(_checkout(request, page, payment, form.cleaned_data["email"]))
        except CounterError as exc:
            error = str(exc.message)
    response = render(
        request, page, "pay.html", _context(payment, form, error), status=400 if request.method == "POST" else 200
    )
    return allow_form_targets(response, _checkout_origins())


def _checkout(request, page, payment, email) -> str:
    result = citizen_url(page.get_site(), "pay_result", payment.action_id, page=page)
    return service.checkout(
        payment,
        language=current_language(),
        receipt_email=email,
        urls=service.CheckoutUrls(return_url=result, cancel_url=result, webhook_url=_webhook_url(request, payment)),
    )


def _webhook_url(request, payment) -> str:
    """Absolute webhook URL; empty on a machine the provider cannot reach (the return page asks instead)."""
    path = reverse("digitale_balie:payment_webhook", args=[payment.provider])
    base = app_settings.PAYMENT_WEBHOOK_BASE_URL or payment.action.session.site.root_url
    if not app_settings.PAYMENT_WEBHOOK_BASE_URL and request.get_host().split(":")[0] in LOCAL_HOSTS:
        return ""
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


def _checkout_origins() -> list[str]:
    try:
        return get_payments_provider().checkout_origins()
    except ConfigurationError:
        return []


def _context(payment, form, error) -> dict:
    session = payment.action.session
    settings_ = CounterSettings.for_site(session.site)
    return {
        "payment": payment,
        "amount": euro(payment.amount),
        "municipality": settings_.display_name(session.site),
        "service": session.service,
        "clerk_name": clerk_as_seen(payment.action.created_by, session.site),
        "form": form,
        "ask_email": not receipt_address(payment),
        "error": error,
        "last": citizen_status(payment) if payment.attempts.exists() else None,
    }


@never_cache
@require_safe
def result(request, page, action_id):
    payment = _payment_for_browser(request, page, action_id)
    if payment is None:
        return invalid_link(request, page)
    service.refresh_if_stale(payment)
    payment.refresh_from_db()
    state = citizen_status(payment)
    return render(
        request,
        page,
        "pay_result.html",
        {
            "payment": payment,
            "amount": euro(payment.amount),
            "state": state,
            "status_url": citizen_url(page.get_site(), "pay_status", payment.action_id, page=page),
            "retry_url": citizen_url(page.get_site(), "pay", payment.action_id, page=page),
        },
    )


@never_cache
@require_safe
def status(request, page, action_id):
    """Polled by the return page while the outcome is unknown (JSON; no personal data)."""
    payment = _payment_for_browser(request, page, action_id)
    if payment is None:
        return JsonResponse({"error": "not found"}, status=404)
    service.refresh_if_stale(payment)
    payment.refresh_from_db()
    return JsonResponse(citizen_status(payment))
