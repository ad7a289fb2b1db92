"""The citizen's form to take an action handed over by phone: type the clerk's short code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.form_errors import AccessibleErrorsMixin


class CodeForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The clerk gives you this code. It has 8 letters and numbers, for example K7MQ 4XZP."),
        error_messages={"required": _("Type the code the clerk gave you.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
