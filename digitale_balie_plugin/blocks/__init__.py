"""StreamField blocks of the digital counter, one module per purpose.

Add them to any page's StreamField::

    body = StreamField(COUNTER_BLOCKS + [...your blocks...])
"""

from .booking import AppointmentBookingBlock

COUNTER_BLOCKS = [
    ("appointment_booking", AppointmentBookingBlock()),
]

__all__ = ["COUNTER_BLOCKS", "AppointmentBookingBlock"]
