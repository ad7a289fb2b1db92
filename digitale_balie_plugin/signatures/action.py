"""The clerk's "Request a signature" on a PDF of the conversation, as an in-call action type."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.actions.registry import ActionType, SessionForm, SummaryEntry, register_action_type
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import AssuranceLevel, Document
from digitale_balie_plugin.models.choices import LEVEL_ORDER
from digitale_balie_plugin.signatures.service import create_request


class RequestSignatureForm(SessionForm):
    document = forms.ModelChoiceField(
        label=_("Document to sign"),
        queryset=Document.objects.none(),
        empty_label=None,
        help_text=_("A PDF of this conversation. Send one first if the list is empty."),
    )

    def limit_to(self, session):
        self.fields["document"].queryset = session.documents.present().filter(content_type="application/pdf")


@register_action_type
class RequestSignature(ActionType):
    identifier = "request_signature"
    feature = Feature.SIGNING
    label = _("Request a signature")
    icon = "edit"
    expires_minutes = 120
    clerk_form_class = RequestSignatureForm
    handover = True
    citizen_roles = ("citizen",)
    clerk_template = "digitale_balie/actions/request_signature_clerk.html"
    detail_relation = "signature"

    def build_payload(self, cleaned_data: dict) -> dict:
        return {"document": cleaned_data["document"].pk}

    def created(self, action, cleaned_data: dict) -> None:
        service = action.session.service
        level = service.identity_level if service else AssuranceLevel.HIGH
        create_request(action, cleaned_data["document"], max(level, AssuranceLevel.SUBSTANTIAL, key=LEVEL_ORDER.get))

    def citizen_url(self, action) -> str | None:
        return citizen_url(action.session.site, "sign", action.pk)

    def citizen_summary(self, action) -> dict:
        signature = getattr(action, "signature", None)
        if signature is None:
            return {}
        if signature.signed_at:
            return {"text": str(_("You signed %(name)s. Thank you.") % {"name": signature.document.name})}
        return {
            "text": str(_("The clerk asks you to sign: %(name)s.") % {"name": signature.document.name}),
            "url": self.citizen_url(action),
            "url_label": str(_("Read and sign")),
        }

    def summary_entry(self, action) -> SummaryEntry | None:
        """Signed or not; once signed, the signed PDF to download (while the documents are kept)."""
        signature = getattr(action, "signature", None)
        if signature is None:
            return None
        signed = signature.signed_at is not None
        return SummaryEntry(
            label=str(_("Signature: %(name)s") % {"name": signature.document.name}),
            status=str(_("You signed it.") if signed else _("Not signed.")),
            document=signature.signed_document if signed else None,
        )

    def clerk_context(self, action) -> dict:
        signature = getattr(action, "signature", None)
        return {
            "signature": signature,
            "handover": handover_view(action) if signature and not signature.signed_at else {},
        }
