"""StreamField blocks of the digital counter, one module per purpose.

Put them on any page model of the site by extending :class:`CounterStreamBlock`::

    class BodyBlock(CounterStreamBlock):
        text = blocks.RichTextBlock()

    body = StreamField(BodyBlock(), blank=True)

``COUNTER_BLOCKS`` (the same blocks as a list) still works, but ignores ``DIGITALE_BALIE["FEATURES"]``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from wagtail import blocks

from digitale_balie_plugin.cms.blocks.booking import AppointmentBookingBlock
from digitale_balie_plugin.cms.blocks.device_test import DeviceTestBlock
from digitale_balie_plugin.cms.blocks.feedback import FeedbackBlock
from digitale_balie_plugin.cms.blocks.payment import PaymentBlock
from digitale_balie_plugin.cms.blocks.verification import IdentityVerificationBlock
from digitale_balie_plugin.cms.blocks.video_room import VideoRoomBlock
from digitale_balie_plugin.conf import app_settings

COUNTER_BLOCKS = [
    ("appointment_booking", AppointmentBookingBlock()),
    ("video_room", VideoRoomBlock()),
    ("device_test", DeviceTestBlock()),
    ("identity_verification", IdentityVerificationBlock()),
    ("payment", PaymentBlock()),
    ("feedback", FeedbackBlock()),
]


def offered(block) -> bool:
    """Whether a block's feature (its ``feature`` attribute; none for the core and the site's own) is on."""
    return app_settings.feature_on(getattr(block, "feature", None))


class CounterStreamBlock(blocks.StreamBlock):
    """The counter's blocks, following the site's feature switches.

    A block of a switched-off feature is not offered in the editor, not rendered (pages that hold one
    show the rest, as Wagtail does for a removed block type) and not accepted on save. Its definition
    stays, so the page models' migrations do not depend on which features a site uses: the switches
    are checked when a page is read or edited, never when the field is defined.
    """

    appointment_booking = AppointmentBookingBlock()
    video_room = VideoRoomBlock()
    device_test = DeviceTestBlock()
    identity_verification = IdentityVerificationBlock()
    payment = PaymentBlock()
    feedback = FeedbackBlock()

    def ordered_child_blocks(self):
        return [block for block in super().ordered_child_blocks() if offered(block)]

    def to_python(self, value):
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [child for child in value if offered(self.child_blocks.get(child.get("type")))]
        return super().to_python(value)

    def clean(self, value):
        refused = sorted({child.block_type for child in value if not offered(child.block)})
        if refused:
            raise blocks.StreamBlockValidationError(
                non_block_errors=[
                    ValidationError(gettext("Switched off on this site: %(blocks)s.") % {"blocks": ", ".join(refused)})
                ]
            )
        return super().clean(value)


__all__ = [
    "COUNTER_BLOCKS",
    "AppointmentBookingBlock",
    "CounterStreamBlock",
    "DeviceTestBlock",
    "FeedbackBlock",
    "IdentityVerificationBlock",
    "PaymentBlock",
    "VideoRoomBlock",
]
