"""StreamField blocks of the digital counter, one module per purpose.

Add them to any page's StreamField::

    body = StreamField(COUNTER_BLOCKS + [...your blocks...])
"""

from .booking import AppointmentBookingBlock
from .video_room import VideoRoomBlock

COUNTER_BLOCKS = [
    ("appointment_booking", AppointmentBookingBlock()),
    ("video_room", VideoRoomBlock()),
]

__all__ = ["COUNTER_BLOCKS", "AppointmentBookingBlock", "VideoRoomBlock"]
