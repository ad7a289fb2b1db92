"""The citizen's walk-in form: a ticket for the virtual queue, with a name and a way to be reached."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.integrations.sms.base import normalize_phone_number


class WalkInForm(AccessibleErrorsMixin, forms.Form):
    """A virtual ticket without an appointment: who are you, and how can we reach you."""

    service = forms.ModelChoiceField(
        label=_("What is your question about?"),
        queryset=None,
        error_messages={
            "required": _("Choose what your question is about."),
            "invalid_choice": _("Choose what your question is about."),
        },
    )
    name = forms.CharField(label=_("Your name"), max_length=150, error_messages={"required": _("Fill in your name.")})
    contact = forms.CharField(
        label=_("Your e-mail address or phone number"),
        max_length=200,
        help_text=_("So we can reach you if the connection breaks."),
        error_messages={"required": _("Fill in your e-mail address or phone number.")},
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_contact(self):
        from django.core.validators import validate_email

        value = self.cleaned_data["contact"].strip()
        try:
            validate_email(value)
            return value
        except forms.ValidationError:
            pass
        try:
            return normalize_phone_number(value)
        except ValueError:
            raise forms.ValidationError(_("Fill in a valid e-mail address or phone number.")) from None
