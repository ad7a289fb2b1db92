"""The clerk's "Request payment", as an in-call action type (on every channel, handed over by code or link)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.registry import ActionType, SummaryEntry, posted_id, register_action_type
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.form_errors import error_text
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import CounterSettings, Payment
from digitale_balie_plugin.payments.forms import RefundForm, RequestPaymentForm
from digitale_balie_plugin.payments.money import amount_input, euro
from digitale_balie_plugin.payments.presentation import clerk_view, receipt_details
from digitale_balie_plugin.payments.service import create_request, is_busy, refresh_if_stale
from digitale_balie_plugin.payments.service import refund as refund_payment

#: Who may return money (``Meta.permissions`` of ``models.Payment``).
REFUND_PERMISSION = "digitale_balie.refund_payment"


@register_action_type
class RequestPayment(ActionType):
    identifier = "request_payment"
    feature = Feature.PAYMENTS
    label = _("Request payment")
    icon = "tag"
    clerk_form_class = RequestPaymentForm
    handover = True
    citizen_roles = ("citizen",)  # an interpreter or carer must not pay in the citizen's place by mistake
    clerk_template = "digitale_balie/actions/request_payment_clerk.html"
    detail_relation = "payment"
    clerk_commands = {"refund": "refund"}

    @property
    def expires_minutes(self) -> int:
        return app_settings.PAYMENT_REQUEST_HOURS * 60

    def build_payload(self, cleaned_data: dict) -> dict:
        return {"amount": str(cleaned_data["amount"]), "description": cleaned_data["description"]}

    def clerk_initial(self, session) -> dict:
        service = session.service
        if service is None or service.payment_amount is None:
            return {}
        # The citizen reads the description: prefilled in their language (the service's translation).
        with translation.override(session.citizen_language(CounterSettings.for_site(session.site).default_language)):
            words = service.localized
            return {
                "amount": amount_input(service.payment_amount),
                "description": words.payment_description or words.name,
            }

    def created(self, action, cleaned_data: dict) -> None:
        create_request(action, cleaned_data)

    def is_busy(self, action) -> bool:
        payment = getattr(action, "payment", None)
        if payment is None or not is_busy(payment):
            return False
        refresh_if_stale(payment)  # the provider may already know it ended (a webhook can be missed)
        return is_busy(payment)

    def citizen_url(self, action) -> str | None:
        return citizen_url(action.session.site, "pay", action.pk)

    def citizen_summary(self, action) -> dict:
        payment = getattr(action, "payment", None)
        if payment is None:
            return {}
        amount = euro(payment.amount)
        if payment.is_paid:
            return {"text": str(_("You paid %(amount)s. Thank you.") % {"amount": amount})}
        return {
            "text": str(
                _("The clerk asks you to pay %(amount)s for: %(description)s.")
                % {"amount": amount, "description": payment.description}
            ),
            "url": self.citizen_url(action),
            "url_label": str(_("Pay %(amount)s") % {"amount": amount}),
        }

    def clerk_context(self, action) -> dict:
        return clerk_view(action)

    def summary_entry(self, action) -> SummaryEntry | None:
        """The amount, the status and, once paid, the receipt (reference, time, method)."""
        payment = getattr(action, "payment", None)
        if payment is None:
            return None
        return SummaryEntry(
            label=str(_("Payment: %(description)s") % {"description": payment.description}),
            status=str(payment.get_status_display()),
            details=receipt_details(payment),
        )

    def refund(self, request, session) -> None:
        """Return money of a paid request (users with the refund permission only)."""
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        payment = get_object_or_404(
            Payment.objects.select_related("action__session__site"),
            action_id=posted_id(request, "action"),
            action__session=session,
        )
        form = RefundForm(request.POST, payment=payment)
        if not form.is_valid():
            raise CounterError(_("Check the refund.") + f" {error_text(form)}")
        refund = refund_payment(payment, form.cleaned_data["amount"], form.cleaned_data["reason"], by_user=request.user)
        messages.success(
            request, _("Refund of %(amount)s sent to the payment service.") % {"amount": euro(refund.amount)}
        )
