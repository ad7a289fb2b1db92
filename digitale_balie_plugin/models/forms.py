"""Application forms editors build with Wagtail's form builder, filled in by citizens during a conversation.

``ApplicationFormPage`` uses Wagtail's own form mixins (fields, labels, help texts, choices: what editors
know) but is not a public form: it is sent by a clerk as an in-call action, and what the citizen submits is
kept with the conversation (``ApplicationSubmission``), not in Wagtail's anonymous submissions list.
"""

from __future__ import annotations

from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractFormField, FormMixin
from wagtail.fields import RichTextField
from wagtail.models import Page

from .actions import InCallAction
from .documents import Document


class ApplicationFormField(AbstractFormField):
    page = ParentalKey("ApplicationFormPage", on_delete=models.CASCADE, related_name="form_fields")


class ApplicationFormPage(FormMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro"), InlinePanel("form_fields", label=_("Form fields"))]
    template = "digitale_balie/pages/application_form_page.html"
    landing_page_template = "digitale_balie/pages/application_form_page.html"
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    def get_form_class(self):
        """Wagtail's form, with each invalid field pointing at its error text (screen readers)."""
        from ..forms import AccessibleErrorsMixin

        return type("ApplicationForm", (AccessibleErrorsMixin, super().get_form_class()), {})

    def serve(self, request, *args, **kwargs):
        """Not a public form: the page explains that a clerk sends it during a conversation."""
        return TemplateResponse(request, self.template, self.get_context(request))

    def serve_preview(self, request, mode_name):
        context = self.get_context(request)
        context["form"] = self.get_form(page=self, user=request.user)
        return TemplateResponse(request, self.template, context)


class ApplicationSubmission(models.Model):
    action = models.OneToOneField(InCallAction, on_delete=models.CASCADE, related_name="submission")
    form_page = models.ForeignKey(ApplicationFormPage, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    pdf = models.OneToOneField(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.form_page.title} ({self.action.get_status_display()})"

    def answers(self) -> list[tuple[str, str]]:
        """(label, answer) in the form's order, answers as text."""
        fields = self.form_page.get_form_fields()
        return [(field.label, _as_text(self.data.get(field.clean_name, ""))) for field in fields]


def _as_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value or "")
