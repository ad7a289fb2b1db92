"""The case record of an ended conversation, and its delivery to the CRM (one row per conversation)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.calls import CallSession
from digitale_balie_plugin.models.payments import new_idempotency_key


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Registered")
    FAILED = "failed", _("Failed")


class CaseRecord(models.Model):
    session = models.OneToOneField(
        CallSession, on_delete=models.CASCADE, related_name="case", verbose_name=_("conversation")
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    payload = models.JSONField(_("case record"), default=dict)
    provider = models.CharField(_("CRM"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last problem"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    reference = models.CharField(_("CRM reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case record")
        verbose_name_plural = _("case records")

    def __str__(self) -> str:
        return f"{self.session} ({self.get_status_display()})"
