"""The clerk's "Send a form": an application form (built by editors) for the citizen to fill in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.actions.registry import (
    ActionType,
    SessionForm,
    SummaryEntry,
    posted_id,
    register_action_type,
)
from digitale_balie_plugin.applications.service import make_pdf
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import ApplicationSubmission


def form_pages():
    """Live application form pages. The page model is the submission's foreign key target: page models
    live in the Wagtail layer above this capability, which therefore never imports them."""
    return ApplicationSubmission._meta.get_field("form_page").related_model.objects.live()


class FormPageField(forms.ModelChoiceField):
    """A form page by its id. The page's key is its link to ``Page`` (one-to-one), which the database driver
    cannot compare with a number beyond 64 bits (an ``OverflowError``, a 500): such a number is no choice."""

    def to_python(self, value):
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0  # not a number: Django's own check refuses it
        if not -(2**63) <= number < 2**63:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SendFormForm(SessionForm):
    form_page = FormPageField(
        label=_("Form"),
        queryset=None,
        empty_label=None,
        help_text=_("Application forms are made by the web editors (page type 'application form')."),
    )

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, session=session, **kwargs)
        if session is None:
            self.fields["form_page"].queryset = form_pages()

    def limit_to(self, session):
        self.fields["form_page"].queryset = form_pages().in_site(session.site)


@register_action_type
class SendForm(ActionType):
    identifier = "send_form"
    feature = Feature.FORMS
    label = _("Send a form")
    icon = "form"
    expires_minutes = 24 * 60
    clerk_form_class = SendFormForm
    handover = True
    citizen_roles = ("citizen",)
    clerk_template = "digitale_balie/actions/send_form_clerk.html"
    detail_relation = "submission"
    clerk_commands = {"form-pdf": "form_pdf"}

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

    def summary_entry(self, action) -> SummaryEntry | None:
        submission = getattr(action, "submission", None)
        if submission is None:
            return None
        return SummaryEntry(
            label=str(_("Form: %(title)s") % {"title": submission.form_page.title}),
            status=str(_("You sent it.") if submission.submitted_at else _("Not sent.")),
        )

    def clerk_context(self, action) -> dict:
        submission = getattr(action, "submission", None)
        return {
            "submission": submission,
            "answers": submission.answers() if submission and submission.submitted_at else [],
            "handover": handover_view(action) if submission and not submission.submitted_at else {},
        }

    def form_pdf(self, request, session) -> None:
        """Turn a sent form into a PDF document of the conversation (then it can be signed)."""
        submission = get_object_or_404(
            ApplicationSubmission.objects.select_related("action__session__site", "form_page"),
            action_id=posted_id(request, "action"),
            action__session=session,
        )
        document = make_pdf(submission, user=request.user)
        messages.success(request, _("The PDF is among the documents: %(name)s") % {"name": document.name})
