"""The payment-code block: an editor puts it on a page such as "/betalen".

A citizen who phoned or chatted with the city types the code the clerk gave them, sees what they pay
for and goes to the payment service's page. The form posts to the counter page's code route.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.cms.blocks.verification import CodeEntryBlock
from digitale_balie_plugin.conf import Feature


class PaymentBlock(CodeEntryBlock):
    feature = Feature.PAYMENTS  # not offered while the feature is switched off (CounterStreamBlock)
    default_heading = _("Pay with a code")

    class Meta:
        icon = "doc-full"
        label = _("Payment code")
        description = _("Citizens type the code a clerk gives them on the phone or in a chat, and pay.")
        preview_value = {
            "heading": "Betalen met een code",
            "intro": "<p>Heeft u met de stad gebeld? Typ hier de code om te betalen.</p>",
        }
