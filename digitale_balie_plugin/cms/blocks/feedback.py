"""The feedback block: an editor puts a general "tell us what you think" form on any page.

The form posts to the site's counter page (which stores the answer and thanks the citizen), so it works
without JavaScript and on pages of any type. The answer remembers the page's title, nothing about the
visitor unless they tick the box.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from digitale_balie_plugin.cms.blocks.booking import _site_for
from digitale_balie_plugin.cms.blocks.headings import DefaultHeadingMixin, heading_block
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.feedback.forms import PageFeedbackForm
from digitale_balie_plugin.links import counter_route_path


class FeedbackBlock(DefaultHeadingMixin, blocks.StructBlock):
    feature = Feature.FEEDBACK  # not offered while the feature is switched off (CounterStreamBlock)
    default_heading = _("What do you think of our digital counter?")
    heading = heading_block()
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        label = _("Feedback form")
        template = "digitale_balie/blocks/feedback_block.html"
        description = _("A short form: a score from 1 to 5 and a text. Anonymous unless the citizen wants an answer.")
        preview_value = {"heading": "Wat vindt u van onze digitale balie?", "intro": "<p>Uw mening helpt ons.</p>"}

    def get_context(self, value, parent_context=None):
        """Adds ``form`` and ``feedback_url`` (the counter page's feedback route), when the site has one."""

        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        site = _site_for(parent_context.get("request"), parent_context.get("page"))
        url = counter_route_path(site, "page_feedback")
        if url:
            page = parent_context.get("page")
            context["feedback_url"] = url
            context["form"] = PageFeedbackForm(initial={"page": getattr(page, "pk", None)}, auto_id="balie_feedback_%s")
        return context
