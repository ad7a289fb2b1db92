"""The clerk's "Request payment" and "Refund" forms: amounts as people type them, limits checked."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.form_errors import AccessibleErrorsMixin
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider
from digitale_balie_plugin.payments.money import amount_input, euro

#: " (DB-XXXXXXXX)": our reference is appended to the description the provider shows on bank statements.
REFERENCE_SUFFIX_LENGTH = 14
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


#: Beyond any amount a counter asks (the site's maximum is far lower); it keeps ``quantize`` in range.
MAX_TYPED = Decimal("1e12")


class AmountField(forms.Field):
    """A euro amount as typed at a Flemish or Dutch desk: ``12,50``, ``12.50``, ``€ 12,5`` or ``1.250,00``."""

    default_error_messages = {"invalid": _("Type an amount like 12,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "")[:40].replace("€", "").replace("EUR", "").replace(" ", "").strip()
        if not text:
            return None
        if "," in text:  # a comma is the decimal sign; dots before it group thousands
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS.fullmatch(text):  # "1.250": one thousand two hundred and fifty, or 1,25? Ask.
            raise forms.ValidationError(self.error_messages["invalid"], code="ambiguous")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount.copy_abs() >= MAX_TYPED:  # "1e30": no real amount, and quantize() would overflow on it
            raise forms.ValidationError(_("This amount is too large."), code="max_value")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Use at most two digits after the comma."), code="decimals")
        return amount.quantize(Decimal("0.01"))

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The amount must be more than 0."), code="min_value")


class RequestPaymentForm(forms.Form):
    amount = AmountField(label=_("Amount (EUR)"), help_text=_("For example 12,50."))
    currency = forms.CharField(initial="EUR", widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        label=_("What the citizen pays for"),
        widget=forms.TextInput(attrs={"maxlength": "200"}),
        help_text=_("The citizen sees this, also on their bank statement."),
    )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        maximum = app_settings.PAYMENT_MAX_AMOUNT
        if amount is not None and amount > maximum:
            raise forms.ValidationError(
                _("The amount can be at most %(maximum)s.") % {"maximum": euro(maximum)},
                code="max_value",
            )
        return amount

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "EUR").strip().upper()

        if currency not in get_payments_provider().currencies:
            raise forms.ValidationError(_("Only payments in euro (EUR) are possible."), code="currency")
        return currency

    def clean_description(self):
        description = " ".join(self.cleaned_data["description"].split())
        limit = min(200, get_payments_provider().max_description_length - REFERENCE_SUFFIX_LENGTH)
        if len(description) > limit:
            raise forms.ValidationError(
                _("The description is too long for the payment service: at most %(limit)s characters.")
                % {"limit": limit},
                code="max_length",
            )
        return description


class RefundForm(forms.Form):
    amount = AmountField(label=_("Amount to refund (EUR)"))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, payment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        if payment is not None and not self.is_bound:
            self.initial["amount"] = amount_input(payment.refundable)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if self.payment is not None and amount is not None and amount > self.payment.refundable:
            raise forms.ValidationError(
                _("You can refund at most %(left)s.") % {"left": euro(self.payment.refundable)},
                code="max_value",
            )
        return amount


class ReceiptForm(AccessibleErrorsMixin, forms.Form):
    """On the pay page, when we have no e-mail address for the receipt (a phone call without appointment)."""

    email = forms.EmailField(
        label=_("E-mail address for the receipt (optional)"),
        required=False,
        help_text=_("We only use it to send you the receipt."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Type an e-mail address like name@example.be, or leave it empty.")},
    )
