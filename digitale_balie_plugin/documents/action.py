"""The clerk's "Exchange documents" request: for a phone or chat conversation (the video call page has
its own documents section), a link or code opens a page where the citizen sees the conversation's
documents and adds their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.actions.registry import ActionType, SummaryEntry, posted_id, register_action_type
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.documents.presentation import document_list
from digitale_balie_plugin.documents.service import delete
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import Document


class ExchangeDocumentsForm(forms.Form):
    what = forms.CharField(
        label=_("What should the citizen send? (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("For example: a photo of your driving licence")}),
    )


@register_action_type
class ExchangeDocuments(ActionType):
    identifier = "exchange_documents"
    feature = Feature.DOCUMENTS
    label = _("Exchange documents")
    icon = "doc-full"
    clerk_panel_template = "digitale_balie/actions/exchange_documents_panel.html"
    expires_minutes = 120
    clerk_form_class = ExchangeDocumentsForm
    handover = True
    citizen_roles = ("citizen",)
    clerk_commands = {"delete-document": "delete_document"}

    def build_payload(self, cleaned_data: dict) -> dict:
        return {"what": cleaned_data.get("what", "")}

    def citizen_url(self, action) -> str | None:
        return citizen_url(action.session.site, "documents", action.pk)

    def citizen_summary(self, action) -> dict:
        what = action.payload.get("what") or ""
        text = (
            _("The clerk asks you to send documents: %(what)s") % {"what": what}
            if what
            else _("The clerk asks you to send documents.")
        )
        return {"text": str(text)}

    def summary_entry(self, action) -> SummaryEntry | None:
        """What the clerk asked for; the documents themselves are in the summary's own list."""
        what = action.payload.get("what") or ""
        return SummaryEntry(
            label=str(_("Documents asked for")),
            status=str(action.get_status_display()),
            details=((str(_("What")), what),) if what else (),
        )

    def clerk_context(self, action) -> dict:
        return {"handover": handover_view(action)}

    def clerk_panel_context(self, session) -> dict:
        """The panel is the conversation's documents (both ways) and the upload, not only the request's form."""
        present = getattr(session, "present_documents", None)  # prefetched with the clerk's queue
        if present is None:
            present = Document.objects.present().filter(session=session)
        return {"documents": document_list(present, viewer="clerk")}

    def delete_document(self, request, session) -> None:
        """Remove a document of the conversation (the clerk's own mistake, or one the citizen should not have sent)."""
        document = get_object_or_404(Document.objects.present(), pk=posted_id(request, "document"), session=session)
        if delete(document, user=request.user):
            messages.success(request, _("The document was deleted."))
