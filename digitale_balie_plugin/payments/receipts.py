"""The receipt e-mail, sent once when a payment is paid, in the citizen's language.

Sent by a django-q2 task (``tasks.send_payment_receipt_task``); idempotent: the row is claimed with a
conditional update before sending, so a rerun after a crash or a duplicate webhook sends nothing twice.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import Payment, PaymentStatus
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.settings import CounterSettings
from digitale_balie_plugin.payments.methods import method_label
from digitale_balie_plugin.payments.money import euro


def receipt_address(payment: Payment) -> str:
    appointment = payment.action.session.appointment
    return payment.receipt_email or (appointment.email if appointment else "")


def send_receipt(payment_pk: int) -> bool:
    payment = Payment.objects.select_related(
        "action__session__site", "action__session__appointment", "action__session__service"
    ).get(pk=payment_pk)
    to = receipt_address(payment)
    if payment.status != PaymentStatus.PAID or not to:
        return False
    claimed = Payment.objects.filter(pk=payment.pk, receipt_sent_at__isnull=True).update(receipt_sent_at=timezone.now())
    if not claimed:
        return False
    try:
        _message(payment, to).send()
    except Exception:
        Payment.objects.filter(pk=payment.pk).update(receipt_sent_at=None)  # django-q2 retries the task
        raise
    record("payment.receipt_sent", payment, actor_label="system", site=payment.action.session.site)
    return True


def _message(payment: Payment, to: str) -> EmailMessage:
    session = payment.action.session
    site_settings = CounterSettings.for_site(session.site)
    language = payment.language or session.citizen_language(site_settings.default_language)
    with translation.override(language):
        context = {
            "payment": payment,
            "municipality": site_settings.display_name(session.site),
            "service": session.service,
            "amount": euro(payment.amount),
            "method": method_label(payment.method),
            "paid_at": timezone.localtime(payment.paid_at, app_settings.TIME_ZONE),
        }
        subject = _("%(municipality)s: receipt of your payment %(reference)s") % {
            "municipality": context["municipality"],
            "reference": payment.reference,
        }
        body = render_to_string("digitale_balie/email/payment_receipt.txt", context)
    return site_settings.email(subject, body, [to])
