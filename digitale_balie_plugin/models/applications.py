"""What a citizen answered on an application form (``cms.models.ApplicationFormPage``) during a conversation.

``ApplicationFormPage`` uses Wagtail's own form mixins (fields, labels, help texts, choices: what editors
know) but is not a public form: it is sent by a clerk as an in-call action, and what the citizen submits is
kept with the conversation (``ApplicationSubmission``), not in Wagtail's anonymous submissions list.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.actions import InCallAction
from digitale_balie_plugin.models.documents import Document

#: The form page model, by label: page models live in the Wagtail layer's app, above the domain models.
FORM_PAGE_MODEL = "digitale_balie_cms.ApplicationFormPage"


class ApplicationSubmission(models.Model):
    action = models.OneToOneField(InCallAction, on_delete=models.CASCADE, related_name="submission")
    form_page = models.ForeignKey(FORM_PAGE_MODEL, on_delete=models.PROTECT, related_name="+")
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
