"""Forms of the clerk's console: a message to the waiting room, a phone or chat contact, the end of a call,
clearing a flood of walk-in tickets."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.slots import parse_slot_key
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import Outcome, Service
from digitale_balie_plugin.models.choices import Channel


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the waiting room"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("I am running 10 minutes late.")}),
    )


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


class ClearWalkInsForm(forms.Form):
    """Which waiting walk-ins to remove: those that arrived since a time today (empty: all), up to the moment
    the clerk saw the list (``until``, so a ticket taken after the confirmation page stays)."""

    since = forms.TimeField(
        label=_("Arrived since"),
        required=False,
        help_text=_("Leave empty to remove all waiting walk-ins."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    until = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def window(self, day) -> tuple[datetime | None, datetime | None]:
        """``(since, until)`` as moments: ``since`` is a time on ``day`` in the counter's zone."""
        since = self.cleaned_data.get("since")
        start = datetime.combine(day, since, tzinfo=app_settings.TIME_ZONE) if since else None
        return start, self.cleaned_data.get("until")
