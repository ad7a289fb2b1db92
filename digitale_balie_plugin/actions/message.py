"""The built-in action "share a link or message": proves the framework end to end.

The clerk sends a short text and optionally a link (a form on the city website, a brochure);
the citizen sees it next to the call and confirms they have read it.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.registry import ActionType, SummaryEntry, register_action_type


class ShareMessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Link (optional)"), required=False, max_length=500, assume_scheme="https")
    url_label = forms.CharField(label=_("Link text (optional)"), required=False, max_length=100)


@register_action_type
class ShareMessage(ActionType):
    identifier = "share_message"
    label = _("Share a link or message")
    icon = "comment"
    expires_minutes = 120
    clerk_form_class = ShareMessageForm
    completed_by_citizen = True
    citizen_template = "digitale_balie/actions/share_message_citizen.html"

    def build_payload(self, cleaned_data: dict) -> dict:
        return {
            "text": cleaned_data["text"],
            "url": cleaned_data.get("url") or "",
            "url_label": cleaned_data.get("url_label") or "",
        }

    def citizen_summary(self, action) -> dict:
        return dict(action.payload)

    def summary_entry(self, action) -> SummaryEntry | None:
        """The message itself, and its link (the citizen may want it again after the call)."""
        url = action.payload.get("url") or ""
        link = ((action.payload.get("url_label") or str(_("Link")), url),) if url else ()
        return SummaryEntry(label=str(_("Message from the clerk")), status=action.payload.get("text", ""), details=link)
