"""What a payment method is called, in the reader's language.

Providers report the method as a short id (``bancontact``, ``kbc``, ``creditcard``: Mollie's ids, which the
demo provider uses too); ``Payment.method`` stores that id. People read ``method_label(id)``: the finance
report, its export, the clerk's panel and the receipt. An id we do not know is shown as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: Brand names stay as they are; the others are translated.
METHOD_LABELS = {
    "applepay": "Apple Pay",
    "bancontact": "Bancontact",
    "banktransfer": _("Bank transfer"),
    "belfius": _("Belfius Pay Button"),
    "creditcard": _("Credit card"),
    "directdebit": _("Direct debit"),
    "giftcard": _("Gift card"),
    "googlepay": "Google Pay",
    "ideal": "iDEAL",
    "kbc": _("KBC/CBC Payment Button"),
    "paypal": "PayPal",
    "payconiq": "Payconiq",
    "trustly": "Trustly",
    "voucher": _("Voucher"),
}


def method_label(method: str) -> str:
    """``"kbc"`` → "KBC/CBC-betaalknop" in Dutch; an unknown id as it is, no id as an empty string."""
    return str(METHOD_LABELS.get(method, method or ""))
