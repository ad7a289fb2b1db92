"""The device test as a block, so an editor can put it on any page (e.g. "Is my computer ready?")."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class DeviceTestBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, default=_("Test camera and microphone"))
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    class Meta:
        icon = "media"
        label = _("Device test")
        description = _("Citizens check their camera, microphone and speaker before a video conversation.")
        template = "digitale_balie/blocks/device_test_block.html"
        preview_value = {"heading": "Test uw camera en micro", "intro": "<p>Zo weet u dat alles werkt.</p>"}
