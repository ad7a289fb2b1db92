"""The survey forms. Every question is optional: a citizen who only wants to leave a score can."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.models import TimeSaved, UseAgain

SATISFACTION_CHOICES = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Neither satisfied nor dissatisfied")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]
EASE_CHOICES = [
    (5, _("Very easy")),
    (4, _("Easy")),
    (3, _("Not easy, not hard")),
    (2, _("Hard")),
    (1, _("Very hard")),
]


CHOICE_ERRORS = {"invalid_choice": _("Choose one of the answers.")}


def _score(label, choices):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )


def _text(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters, please.")},
    )


class FeedbackFormBase(AccessibleErrorsMixin, forms.Form):
    """What both forms share: at least one answer, and the tick that lifts anonymity (without it, no name or
    address is kept even if typed)."""

    answer_fields: tuple[str, ...] = ()
    contact_label = _("You may contact me about my answer.")

    def clean(self):
        data = super().clean()
        if not data.get("contact_ok"):
            for name in ("contact_name", "contact_email"):
                data.pop(name, None)
        elif "contact_email" in self.fields and not data.get("contact_email") and "contact_email" not in self.errors:
            self.add_error("contact_email", _("Fill in your e-mail address, so we can contact you."))
        if not self.errors and all(data.get(name) in (None, "") for name in self.answer_fields):
            raise forms.ValidationError(_("Answer at least one question first."))
        return data


class SurveyForm(FeedbackFormBase):
    """After a conversation: five short questions and a box for anything else."""

    ease = _score(_("Was it easy to start the conversation?"), EASE_CHOICES)
    satisfaction = _score(_("How satisfied are you with the conversation?"), SATISFACTION_CHOICES)
    use_again = forms.ChoiceField(
        label=_("Would you use the digital counter again?"),
        choices=UseAgain.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    time_saved = forms.ChoiceField(
        label=_("How much time did you save, compared to a visit to the town hall?"),
        choices=TimeSaved.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    comment = _text(_("Do you want to tell us more?"))
    contact_ok = forms.BooleanField(label=FeedbackFormBase.contact_label, required=False)

    answer_fields = ("ease", "satisfaction", "use_again", "time_saved", "comment")


class PageFeedbackForm(FeedbackFormBase):
    """The general form of ``FeedbackBlock``: a score, a text, and a way back if the citizen wants one."""

    satisfaction = _score(_("How satisfied are you with our digital counter?"), SATISFACTION_CHOICES)
    comment = _text(_("What can we do better?"))
    contact_ok = forms.BooleanField(label=FeedbackFormBase.contact_label, required=False)
    contact_name = forms.CharField(
        label=_("Your name"), required=False, max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you want an answer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Fill in a valid e-mail address, like name@example.be.")},
    )
    page = forms.IntegerField(widget=forms.HiddenInput, required=False)

    answer_fields = ("satisfaction", "comment")
