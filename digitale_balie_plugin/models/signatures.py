"""A signature request: which document, its hash when asked, and — once signed — the signed PDF, the
verification that bound it and the time, kept together (one-to-one with its ``InCallAction``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.actions import InCallAction
from digitale_balie_plugin.models.choices import AssuranceLevel
from digitale_balie_plugin.models.documents import Document
from digitale_balie_plugin.models.identity import IdentityVerification


class SignatureRequest(models.Model):
    action = models.OneToOneField(InCallAction, on_delete=models.CASCADE, related_name="signature")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="signature_requests", verbose_name=_("document")
    )
    document_sha256 = models.CharField(
        _("hash of the document when asked"), max_length=64, help_text=_("A changed document cannot be signed.")
    )
    required_level = models.CharField(_("level needed"), max_length=20, choices=AssuranceLevel.choices)
    verification = models.ForeignKey(
        IdentityVerification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_from"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    certificate_subject = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")

    def __str__(self) -> str:
        return f"{self.document} ({self.action.get_status_display()})"
