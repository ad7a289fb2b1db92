"""The guest invitation form: the clerk (in the console) and the citizen (in the call page) both invite by name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.form_errors import AccessibleErrorsMixin


class GuestForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Guest's name (interpreter, carer)"), max_length=100)
