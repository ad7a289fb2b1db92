"""The verification-code block: an editor puts it on a page such as "/verify" (or "/code").

A citizen on the phone or in a chat types the code the clerk reads out, and continues to the action
behind it — proving who they are now, paying or signing later. The form posts to the site's
counter page, which checks the code (rate-limited, five attempts per request) and shows any error.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from digitale_balie_plugin.actions.forms import CodeForm
from digitale_balie_plugin.cms.blocks.booking import _site_for
from digitale_balie_plugin.cms.blocks.headings import DefaultHeadingMixin, heading_block
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.links import counter_route_path


class CodeEntryBlock(DefaultHeadingMixin, blocks.StructBlock):
    """A heading, an introduction and the code form. Every code works for every kind of request (the
    code decides where the citizen goes next); the subclasses differ in what they say."""

    heading = heading_block()
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    class Meta:
        template = "digitale_balie/blocks/code_block.html"

    def get_context(self, value, parent_context=None):
        """Adds ``form`` and ``code_url`` (the counter page's code route), when the site has one."""

        context = super().get_context(value, parent_context)
        site = _site_for((parent_context or {}).get("request"), (parent_context or {}).get("page"))
        url = counter_route_path(site, "code")
        if url:
            context["code_url"] = url
            context["form"] = CodeForm(auto_id="balie_code_%s")
        return context


class IdentityVerificationBlock(CodeEntryBlock):
    feature = Feature.IDENTITY  # not offered while the feature is switched off (CounterStreamBlock)
    default_heading = _("Show who you are")

    class Meta:
        icon = "lock"
        label = _("Verification code")
        description = _("Citizens type the code a clerk gives them on the phone, to show who they are or to pay.")
        preview_value = {
            "heading": "Toon wie u bent",
            "intro": "<p>Belt u met de stad? Typ hier de code die u krijgt.</p>",
        }
