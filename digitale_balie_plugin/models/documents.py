"""Documents exchanged during a conversation, either way.

The file itself lives in private storage (``documents.storage``) under a random name; the row keeps
what both screens list (a sanitised display name, type, size, who and when), a SHA-256 of the content,
and when it expires. Deleted documents keep their row (with ``deleted_at``) for the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.actions import InCallAction
from digitale_balie_plugin.models.calls import CallSession

#: The file types a site may allow (``CounterSettings.document_types``): extension -> (MIME type, content kind).
KNOWN_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "png": ("image/png", "png"),
}


class DocumentSource(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CLERK = "clerk", _("Clerk")


class DocumentQuerySet(models.QuerySet):
    def present(self):
        return self.filter(deleted_at__isnull=True, expires_at__gt=timezone.now())


class Document(models.Model):
    session = models.ForeignKey(
        CallSession, on_delete=models.CASCADE, related_name="documents", verbose_name=_("conversation")
    )
    request = models.ForeignKey(
        InCallAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        help_text=_("The clerk's request this document answers, if any."),
    )
    source = models.CharField(_("from"), max_length=10, choices=DocumentSource.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("deleted after"))
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_reason = models.CharField(max_length=20, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name
