"""The device test as a block, so an editor can put it on any page (e.g. "Is my computer ready?")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from digitale_balie_plugin.cms.blocks.booking import _site_for
from digitale_balie_plugin.cms.blocks.headings import DefaultHeadingMixin, heading_block
from digitale_balie_plugin.links import counter_route_path


class DeviceTestBlock(DefaultHeadingMixin, blocks.StructBlock):
    default_heading = _("Test camera and microphone")
    heading = heading_block()
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    class Meta:
        icon = "media"
        label = _("Device test")
        description = _("Citizens check their camera, microphone and speaker before a video conversation.")
        template = "digitale_balie/blocks/device_test_block.html"
        preview_value = {"heading": "Test uw camera en micro", "intro": "<p>Zo weet u dat alles werkt.</p>"}

    def get_context(self, value, parent_context=None):
        """Adds ``test_room_url``: the site's test video room, when the site has a counter page."""

        context = super().get_context(value, parent_context)
        site = _site_for((parent_context or {}).get("request"), (parent_context or {}).get("page"))
        url = counter_route_path(site, "test_room")
        if url:
            context["test_room_url"] = url
        return context
