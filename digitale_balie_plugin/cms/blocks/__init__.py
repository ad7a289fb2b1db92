"""StreamField blocks of the digital counter, one module per purpose.

Add them to any page's StreamField::

    body = StreamField(COUNTER_BLOCKS + [...your blocks...])
"""

from digitale_balie_plugin.cms.blocks.booking import AppointmentBookingBlock
from digitale_balie_plugin.cms.blocks.device_test import DeviceTestBlock
from digitale_balie_plugin.cms.blocks.feedback import FeedbackBlock
from digitale_balie_plugin.cms.blocks.payment import PaymentBlock
from digitale_balie_plugin.cms.blocks.verification import IdentityVerificationBlock
from digitale_balie_plugin.cms.blocks.video_room import VideoRoomBlock

COUNTER_BLOCKS = [
    ("appointment_booking", AppointmentBookingBlock()),
    ("video_room", VideoRoomBlock()),
    ("device_test", DeviceTestBlock()),
    ("identity_verification", IdentityVerificationBlock()),
    ("payment", PaymentBlock()),
    ("feedback", FeedbackBlock()),
]

__all__ = [
    "COUNTER_BLOCKS",
    "AppointmentBookingBlock",
    "DeviceTestBlock",
    "FeedbackBlock",
    "IdentityVerificationBlock",
    "PaymentBlock",
    "VideoRoomBlock",
]
