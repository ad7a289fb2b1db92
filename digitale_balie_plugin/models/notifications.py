"""Messages sent about an appointment or a conversation, and the marker that makes sending idempotent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.appointments import Appointment
from digitale_balie_plugin.models.calls import CallSession


class Notification(models.Model):
    """One e-mail or SMS about an appointment, or the summary after a conversation (``session``; a walk-in's
    summary has no appointment).

    Why a row per message: the row *is* the sent-marker. A worker claims it atomically (insert
    with a unique ``dedupe_key``, or a conditional update from ``failed``) before it talks to
    the mail server or gateway, so a rerun after a crash never sends the same message twice.
    The row also keeps the gateway's delivery status from its callback.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Booking confirmation")
        RESCHEDULED = "rescheduled", _("Moved appointment")
        CANCELLED = "cancelled", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        CONFIRM_EMAIL = "confirm_email", _("Confirm e-mail address")
        SUMMARY = "summary", _("Summary of the conversation")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed")
        LIMITED = "limited", _("Not sent: too many messages to this recipient today")

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("appointment"),
    )
    session = models.ForeignKey(
        CallSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("conversation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    dedupe_key = models.CharField(_("sent once per"), max_length=120, unique=True)
    recipient_hash = models.CharField(
        _("recipient (keyed hash)"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Counts the messages to one address or number a day, without keeping the address twice."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    provider = models.CharField(_("provider"), max_length=30, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True, db_index=True)
    delivery_status = models.CharField(_("delivery status"), max_length=20, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    opened_at = models.DateTimeField(
        _("opened"), null=True, blank=True, help_text=_("When the citizen first opened a link from this message.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()})"
