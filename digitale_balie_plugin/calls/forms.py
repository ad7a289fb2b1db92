"""Forms of the clerk's console."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.slots import parse_slot_key
from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.integrations.sms.base import normalize_phone_number
from digitale_balie_plugin.models import Outcome, Service
from digitale_balie_plugin.models.choices import Channel


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the waiting room"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("I am running 10 minutes late.")}),
    )


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Guest's name (interpreter, carer)"), max_length=100)


class ContactForm(forms.Form):
    """A conversation without video: phone, chat or a desk visit."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c, Channel(c).label) for c in (Channel.PHONE, Channel.CHAT, Channel.DESK)]
    )
    citizen_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)

    def __init__(self, *args, seat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = seat.services.filter(active=True)


class EndCallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_slot = forms.ChoiceField(label=_("Follow-up appointment"), required=False)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_slot"].choices = [("", _("No follow-up"))] + [
            (slot.key, f"{slot.start:%d/%m %H:%M}") for slot in slots
        ]

    def clean_follow_up_slot(self):
        value = self.cleaned_data.get("follow_up_slot")
        return parse_slot_key(value) if value else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("follow_up_slot") and cleaned.get("outcome") != Outcome.FOLLOW_UP:
            cleaned["outcome"] = Outcome.FOLLOW_UP
        return cleaned


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
