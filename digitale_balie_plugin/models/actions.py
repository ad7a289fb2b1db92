"""In-call actions: one table for every kind (verification, payment, documents, signature, message).

Why one table: both screens list a session's actions with their live status in one query, whatever
their kind. A kind that needs typed fields of its own adds a model with a one-to-one link to its
``InCallAction`` row; the status machine, tokens, expiry and audit stay here, shared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.calls import CallSession
from digitale_balie_plugin.tokens import hash_token


class ActionStatus(models.TextChoices):
    CREATED = "created", _("Prepared")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    IN_PROGRESS = "in_progress", _("Busy")
    COMPLETED = "completed", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


FINAL_STATUSES = {ActionStatus.COMPLETED, ActionStatus.FAILED, ActionStatus.CANCELLED, ActionStatus.EXPIRED}

#: The status machine. A status only moves forward; final statuses never change.
TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.CREATED: {ActionStatus.SENT, ActionStatus.CANCELLED, ActionStatus.EXPIRED},
    ActionStatus.SENT: {
        ActionStatus.OPENED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.COMPLETED,
        ActionStatus.FAILED,
        ActionStatus.CANCELLED,
        ActionStatus.EXPIRED,
    },
    ActionStatus.OPENED: {
        ActionStatus.IN_PROGRESS,
        ActionStatus.COMPLETED,
        ActionStatus.FAILED,
        ActionStatus.CANCELLED,
        ActionStatus.EXPIRED,
    },
    ActionStatus.IN_PROGRESS: {
        ActionStatus.COMPLETED,
        ActionStatus.FAILED,
        ActionStatus.CANCELLED,
        ActionStatus.EXPIRED,
    },
}


class InCallActionQuerySet(models.QuerySet):
    def by_link(self, raw: str):
        return self.filter(token_hash=hash_token(raw), expires_at__gt=timezone.now())

    def unfinished(self):
        return self.exclude(status__in=FINAL_STATUSES)


class InCallAction(models.Model):
    session = models.ForeignKey(
        CallSession, on_delete=models.CASCADE, related_name="actions", verbose_name=_("conversation")
    )
    kind = models.CharField(_("kind"), max_length=40, help_text=_("The id of the action type."))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.CREATED)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text=_("What the clerk asked; no identifiers in clear."))
    result = models.JSONField(default=dict, blank=True, help_text=_("What came back; no identifiers in clear."))
    # Hand-over outside the call page (link, QR code, short code read out on the phone): see
    # ``actions.handover``. Only salts and hashes are stored; the raw link and code are derived.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    link_salt = models.CharField(max_length=64, blank=True)
    code_salt = models.CharField(max_length=64, blank=True)
    code_locator = models.CharField(max_length=4, blank=True, db_index=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_locked = models.BooleanField(default=False)
    # The browser that took the action (by link, code or the button in the call page).
    claim_hash = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InCallActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("in-call action")
        verbose_name_plural = _("in-call actions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_open(self) -> bool:
        return not self.is_final and self.expires_at > timezone.now()
