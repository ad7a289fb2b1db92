"""The clerk's "Send a form": an application form (built by editors) for the citizen to fill in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.actions.registry import ActionType, SessionForm, register_action_type
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import ApplicationFormPage, ApplicationSubmission


class SendFormForm(SessionForm):
    form_page = forms.ModelChoiceField(
        label=_("Form"),
        queryset=ApplicationFormPage.objects.live(),
        empty_label=None,
        help_text=_("Application forms are made by the web editors (page type 'application form')."),
    )

    def limit_to(self, session):
        self.fields["form_page"].queryset = ApplicationFormPage.objects.live().in_site(session.site)


@register_action_type
class SendForm(ActionType):
    identifier = "send_form"
    label = _("Send a form")
    expires_minutes = 24 * 60
    clerk_form_class = SendFormForm
    handover = True
    citizen_roles = ("citizen",)
    clerk_template = "digitale_balie/actions/send_form_clerk.html"
    detail_relation = "submission"

    def build_payload(self, cleaned_data: dict) -> dict:
        return {"form_page": cleaned_data["form_page"].pk}

    def created(self, action, cleaned_data: dict) -> None:
        ApplicationSubmission.objects.create(action=action, form_page=cleaned_data["form_page"])

    def citizen_url(self, action) -> str | None:
        return citizen_url(action.session.site, "form", action.pk)

    def citizen_summary(self, action) -> dict:
        submission = getattr(action, "submission", None)
        if submission is None:
            return {}
        if submission.submitted_at:
            return {"text": str(_("You sent the form %(title)s. Thank you.") % {"title": submission.form_page.title})}
        return {
            "text": str(_("The clerk asks you to fill in a form: %(title)s.") % {"title": submission.form_page.title}),
            "url": self.citizen_url(action),
            "url_label": str(_("Fill in the form")),
        }

    def clerk_context(self, action) -> dict:
        submission = getattr(action, "submission", None)
        return {
            "submission": submission,
            "answers": submission.answers() if submission and submission.submitted_at else [],
            "handover": handover_view(action) if submission and not submission.submitted_at else {},
        }
