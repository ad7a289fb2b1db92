"""Citizen-facing forms. Every message is translated; nothing here talks to the database
except through the service layer's results."""

from __future__ import annotations

import math
import re
import time

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.bulk_cancel import Flood
from digitale_balie_plugin.booking.limits import contact_errors
from digitale_balie_plugin.booking.service import CitizenDetails
from digitale_balie_plugin.booking.slots import parse_slot_key
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.integrations.sms.base import format_phone_number, normalize_phone_number
from digitale_balie_plugin.models import CounterSettings, Service
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
        if self.limit_contacts and not self.errors:
            for field, message in contact_errors(self.service, **self._contacts(cleaned)).items():
                self.add_error(field, message)
        return cleaned

    #: Whether the contact limits of ``booking.limits`` apply: to citizens booking on the web, not to clerks.
    limit_contacts = True

    @staticmethod
    def _contacts(cleaned) -> dict[str, str]:
        return {"email": cleaned.get("email") or "", "phone": cleaned.get("phone") or ""}


class BotCheckForm(forms.Form):
    """Two quiet checks on the details form against scripts, instead of a CAPTCHA (which excludes people).

    - ``website``: a honeypot. People do not see it (moved off screen by CSS, hidden from screen readers,
      out of the tab order, no autofill); scripts that fill every field fill it too.
    - ``started``: when the form was shown, signed so it cannot be forged. A submission faster than
      ``BOOKING_MIN_FILL_SECONDS`` is shown again with a calm message: a person just sends it once more.

    Both work without JavaScript. The check fails quietly, without saying which check it was.
    """

    SALT = "digitale_balie.booking.started"
    #: The one thing a refused check says, whichever check it was (and whatever the fields' own errors are).
    NOTICE = _("Please check your details and send them again.")

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = self.sign(time.time())

    @classmethod
    def sign(cls, moment: float) -> str:
        """The ``started`` value of a form shown at ``moment`` (seconds since the epoch); tests use it too."""
        return signing.Signer(salt=cls.SALT).sign(str(int(moment)))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(self.NOTICE, code="honeypot")
        if self._seconds_taken(cleaned.get("started", "")) < app_settings.BOOKING_MIN_FILL_SECONDS:
            raise forms.ValidationError(self.NOTICE, code="too_fast")
        return cleaned

    def _seconds_taken(self, value: str) -> float:
        if app_settings.BOOKING_MIN_FILL_SECONDS <= 0:
            return math.inf  # switched off
        try:
            return time.time() - int(signing.Signer(salt=self.SALT).unsign(value))
        except (signing.BadSignature, ValueError):
            return -math.inf  # missing or forged: treated as too fast

    def next_try(self) -> BotCheckForm:
        """The checks for the form shown again: the honeypot empty, the time it was first shown kept when it was
        genuine (so sending it again a moment later passes)."""
        fresh = BotCheckForm()
        if self._seconds_taken(self.data.get("started", "")) > -math.inf:
            fresh.fields["started"].initial = self.data.get("started")
        return fresh


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
    limit_contacts = False  # the clerk is the check: a family's several appointments by phone are fine

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


class FloodForm(forms.Form):
    """Staff choose a flood of bookings to cancel by what they share (``booking.bulk_cancel``)."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    day = forms.DateField(
        label=_("Day of the appointments (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_from = forms.DateTimeField(
        label=_("Booked from (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    created_until = forms.DateTimeField(
        label=_("Booked until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    email_domain = forms.CharField(
        label=_("E-mail domain (optional)"),
        required=False,
        max_length=253,
        help_text=_("The part after the @, for example example.com."),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_day(self):
        return _within_years(self.cleaned_data["day"])

    def clean_created_from(self):
        return _within_years(self.cleaned_data["created_from"])

    def clean_created_until(self):
        return _within_years(self.cleaned_data["created_until"])

    def clean_email_domain(self):
        domain = self.cleaned_data["email_domain"].strip().lower().lstrip("@")
        if domain and not DOMAIN.fullmatch(domain):
            raise forms.ValidationError(_("Fill in a domain like example.com."))
        return domain

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("created_from"), cleaned.get("created_until")
        if first and last and first > last:
            self.add_error("created_until", _("This must be later than the start of the range."))
        return cleaned

    def flood(self) -> Flood:
        return Flood(**{name: self.cleaned_data[name] for name in FLOOD_FIELDS})


def _within_years(value):
    """Bookings lie in these years; a date far outside them would overflow the arithmetic of a day (a 500)."""
    if value and not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Fill in a date between the years 2000 and 2100."))
    return value


FLOOD_FIELDS = ("service", "day", "created_from", "created_until", "email_domain")
DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


class CancelFloodForm(FloodForm):
    """The confirmation: the same choice, the count the staff member saw, and why."""

    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**6)
    reason = forms.CharField(
        label=_("Why are you cancelling these bookings?"),
        max_length=200,
        help_text=_("For the audit trail. The citizens do not see it. Do not write names or addresses."),
        error_messages={"required": _("Say why you cancel these bookings.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FLOOD_FIELDS:  # chosen on the preview above: sent along unchanged
            self.fields[name].widget = forms.HiddenInput()
