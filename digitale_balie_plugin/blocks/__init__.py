"""StreamField blocks of the digital counter, one module per purpose.

Add them to any page's StreamField::

    body = StreamField(COUNTER_BLOCKS + [...your blocks...])
"""

from .booking import AppointmentBookingBlock
from .device_test import DeviceTestBlock
from .feedback import FeedbackBlock
from .payment import PaymentBlock
from .verification import IdentityVerificationBlock
from .video_room import VideoRoomBlock

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
