"""What the clerk's panel and the citizen's pages show of a payment."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import PaymentStatus
from digitale_balie_plugin.payments.methods import method_label
from digitale_balie_plugin.payments.money import amount_input, euro

#: What the citizen reads on the return page, per status.
CITIZEN_TEXT = {
    PaymentStatus.REQUESTED: _("You have not paid yet."),
    PaymentStatus.OPEN: _("We are waiting for the payment service. This page updates by itself."),
    PaymentStatus.PENDING: _(
        "Your bank is still processing the payment. This can take a moment. This page updates by itself."
    ),
    PaymentStatus.AUTHORIZED: _("Your payment is approved and is being processed. This page updates by itself."),
    PaymentStatus.PAID: _("Your payment was received. Thank you!"),
    PaymentStatus.FAILED: _("The payment did not succeed. No money was taken. You can try again."),
    PaymentStatus.CANCELLED: _("You stopped the payment. No money was taken. You can try again."),
    PaymentStatus.EXPIRED: _("The payment took too long and was stopped. No money was taken. You can try again."),
}


def local_time(value) -> str:
    return timezone.localtime(value, app_settings.TIME_ZONE).strftime("%d/%m/%Y %H:%M") if value else ""


def receipt_details(payment) -> tuple[tuple[str, str], ...]:
    """The amount and, once paid, what a receipt says: for the citizen's summary after the call."""
    details = [(str(_("Amount")), euro(payment.amount))]
    if payment.is_paid:
        details += [(str(_("Paid at")), local_time(payment.paid_at)), (str(_("Reference")), payment.reference)]
        if payment.method:
            details.append((str(_("Paid with")), payment.method))
    if payment.amount_refunded:
        details.append((str(_("Refunded")), euro(payment.amount_refunded)))
    return tuple(details)


def citizen_status(payment) -> dict:
    status = PaymentStatus(payment.status)
    final = status in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED)
    paid = status == PaymentStatus.PAID
    heading = (
        _("Thank you for your payment")
        if paid
        else _("The payment did not go through")
        if final
        else _("Your payment is being processed")
    )
    return {
        "status": status.value,
        "result": "paid" if paid else "failed" if final else "pending",
        "heading": str(heading),
        "label": str(status.label),
        "text": str(CITIZEN_TEXT[status]),
        "final": final,
        "paid": paid,
        "can_retry": final and status != PaymentStatus.PAID and payment.action.is_open,
    }


def clerk_view(action) -> dict:
    payment = getattr(action, "payment", None)
    if payment is None:
        return {}
    return {
        "payment": payment,
        "payment_view": {
            "amount": euro(payment.amount),
            "status_label": PaymentStatus(payment.status).label,
            "paid_at": local_time(payment.paid_at),
            "refunded": euro(payment.amount_refunded) if payment.amount_refunded else "",
            "refundable": payment.refundable > 0,
            "refund_input": amount_input(payment.refundable),  # "12,50" in Dutch: what the refund form reads
            "method": method_label(payment.method),
            "attempts": payment.attempts.count(),
            "refunds": [
                {"amount": euro(refund.amount), "reason": refund.reason, "status": refund.get_status_display()}
                for refund in payment.refunds.all()
            ],
        },
        "handover": handover_view(action) if not payment.is_paid else {},
    }
