"""Payment requests, the checkout attempts made for them, and refunds.

A ``Payment`` is what the clerk asked (amount, description), one-to-one with its ``InCallAction``. Each
time the citizen goes to the checkout a ``PaymentAttempt`` is made at the provider, with our own
idempotency key — written *before* the provider is called, so a retry after a timeout replays the
same request instead of creating a second payment. A new attempt is only allowed when the previous
one ended without money (failed, cancelled, expired), so a citizen can never pay twice for one request.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.actions import InCallAction

#: Symbols of our payment references (no 0/O, 1/I/L): read out on the phone, typed in a bank's app.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "DB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


class PaymentStatus(models.TextChoices):
    """Mirrors ``integrations.payments.base.ProviderStatus``, plus ``requested`` (no checkout yet)."""

    REQUESTED = "requested", _("Requested")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Being processed")
    AUTHORIZED = "authorized", _("Authorised")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Payment(models.Model):
    action = models.OneToOneField(
        InCallAction, on_delete=models.CASCADE, related_name="payment", verbose_name=_("in-call action")
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    description = models.CharField(_("description"), max_length=255)
    provider = models.CharField(_("provider"), max_length=40, help_text=_("The id of the payment provider."))
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.REQUESTED
    )
    method = models.CharField(_("method"), max_length=40, blank=True)
    provider_payment_id = models.CharField(
        _("provider's reference"), max_length=64, blank=True, db_index=True, help_text=_("Of the paid attempt.")
    )
    amount_refunded = models.DecimalField(_("refunded"), max_digits=9, decimal_places=2, default=Decimal("0.00"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    receipt_email = models.EmailField(_("receipt e-mail address"), blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)
    last_error = models.CharField(_("last problem"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        permissions = [
            ("refund_payment", _("Can refund payments")),
            ("view_finance_report", _("Can see the finance report")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} € {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.PAID

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.amount_refunded if self.is_paid else Decimal("0.00")


class PaymentAttempt(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="attempts")
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    provider = models.CharField(max_length=40)
    provider_payment_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    #: ``requested`` until the provider answered: such an attempt is retried with the same key.
    status = models.CharField(max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.REQUESTED)
    checkout_url = models.URLField(max_length=500, blank=True)
    method = models.CharField(max_length=40, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("checkout attempt")
        verbose_name_plural = _("checkout attempts")

    def __str__(self) -> str:
        return f"{self.provider_payment_id or self.idempotency_key[:8]} ({self.status})"


class RefundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    provider_refund_id = models.CharField(_("provider's reference"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.payment.reference} −€ {self.amount}"
