"""Citizen-facing forms. Every message is translated; nothing here talks to the database
except through the service layer's results."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.service import CitizenDetails
from digitale_balie_plugin.booking.slots import parse_slot_key
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.integrations.sms.base import format_phone_number, normalize_phone_number
from digitale_balie_plugin.models import CounterSettings
from digitale_balie_plugin.models.choices import LANGUAGE_CHOICES, BookedVia


class SlotField(forms.CharField):
    """A slot key (``20261203T0830Z``) turned into an aware UTC datetime."""

    default_error_messages = {"invalid": _("Choose a time from the list.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_slot_key(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SlotChoiceForm(forms.Form):
    slot = SlotField(label=_("Time"), error_messages={"required": _("Choose a time.")})


class CitizenDetailsForm(AccessibleErrorsMixin, forms.Form):
    """The details step. The chosen slot travels along as a hidden field."""

    slot = SlotField(widget=forms.HiddenInput, error_messages={"required": _("Choose a time.")})
    channel = forms.ChoiceField(
        label=_("How do you want to talk to us?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to talk to us.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Fill in your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send the confirmation and the link to this address."),
        error_messages={
            "required": _("Fill in your e-mail address."),
            "invalid": _("Fill in a valid e-mail address, like name@example.be."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your mobile phone number (optional)"),
        max_length=30,
        required=False,
        help_text=_("For example 0470 12 34 56."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    sms_consent = forms.BooleanField(label=_("Send me a reminder by SMS the day before."), required=False)
    language = forms.ChoiceField(label=_("Language for our messages"), choices=LANGUAGE_CHOICES)
    question = forms.CharField(
        label=_("What is your question about? (optional)"),
        required=False,
        max_length=2000,
        help_text=_("So we can prepare. Do not write your national register number."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["channel"].choices = service.channel_choices
        if len(service.channels) == 1:
            self.fields["channel"].initial = service.channels[0]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Fill in your name."))
        return name

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone_number(raw)
        except ValueError:
            raise forms.ValidationError(_("Fill in a valid phone number, like 0470 12 34 56.")) from None

    def citizen(self):
        """The validated details as the service layer's ``CitizenDetails``."""

        data = self.cleaned_data
        return CitizenDetails(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            sms_consent=data["sms_consent"],
            question=data["question"],
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sms_consent") and not cleaned.get("phone"):
            self.add_error("phone", _("Fill in your mobile number to get an SMS."))
        return cleaned


def slot_choices(slots) -> list[tuple[str, list[tuple[str, str]]]]:
    """The clerk's list of times, grouped by day in the admin's language: "maandag 7 december 2026" holds
    "09:00 (nog 2 vrij)", the number being how many citizens can still book that time."""
    days: dict[str, list[tuple[str, str]]] = {}
    for slot in slots:
        local = timezone.localtime(slot.start, app_settings.TIME_ZONE)
        label = _("%(time)s (free: %(count)s)") % {"time": time_format(local, "H:i"), "count": slot.capacity}
        days.setdefault(date_format(local, "l j F Y"), []).append((slot.key, label))
    return list(days.items())


class ClerkBookingForm(CitizenDetailsForm):
    """A clerk books for a citizen who phoned or came to the desk.

    Capturing an e-mail address correctly on the phone is hard, and some callers have none: with a mobile
    number only, every message goes by SMS. A number typed from what one hears can be wrong too, so the
    first submission shows it back in its international form to read out, and the clerk ticks that it is
    right (without JavaScript, the form's own error says it).
    """

    booked_via = forms.ChoiceField(
        label=_("The citizen contacted us"),
        widget=forms.RadioSelect,
        choices=[(BookedVia.PHONE, _("By phone")), (BookedVia.DESK, _("At the desk"))],
    )
    slot = forms.ChoiceField(label=_("Time"), error_messages={"required": _("Choose a time.")})
    number_read_back = forms.BooleanField(
        label=_("I read the mobile number back to the citizen, and it is right."), required=False
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].label = _("E-mail address (optional)")
        self.fields["email"].help_text = _(
            "Leave it empty when the citizen has no e-mail: we then send everything by SMS."
        )
        self.fields["phone"].label = _("Mobile number")
        # The clerk fills this in about the citizen: the citizen's "you" becomes "the citizen".
        self.fields["channel"].label = _("How does the citizen want to talk to us?")
        self.fields["name"].label = _("Name of the citizen")
        self.fields["sms_consent"].label = _("The citizen wants a reminder by SMS the day before.")
        self.fields["question"].label = _("What is the question about? (optional)")
        self.fields["slot"].choices = [("", "---------"), *slot_choices(slots)]
        self.fields["slot"].widget = forms.Select(choices=self.fields["slot"].choices)

    def clean_slot(self):
        try:
            return parse_slot_key(self.cleaned_data["slot"])
        except ValueError:
            raise forms.ValidationError(_("Choose a time from the list.")) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") or "phone" in self.errors:
            return cleaned
        phone = cleaned.get("phone")
        if not phone:
            self.add_error("phone", _("Fill in an e-mail address or a mobile number."))
            return cleaned
        if not CounterSettings.for_site(self.service.site).sms_enabled:
            self.add_error("email", _("This site sends no SMS: fill in an e-mail address."))
            return cleaned
        try:
            normalize_phone_number(phone, mobile=True)
        except ValueError as exc:
            self.add_error("phone", str(exc))
            return cleaned
        if not cleaned.get("number_read_back"):
            self.add_error(
                "number_read_back",
                _("Read the number back to the citizen: %(number)s. Tick the box when it is right.")
                % {"number": format_phone_number(phone)},
            )
        return cleaned
