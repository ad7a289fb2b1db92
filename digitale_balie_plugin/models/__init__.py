"""Models, one module per aggregate; import them from here."""

from .appointments import AccessToken, Appointment, SeatReservation
from .audit import AuditEvent
from .notifications import Notification
from .services import AvailabilityRule, Closure, CounterSeat, Service
from .settings import CounterSettings

__all__ = [
    "AccessToken",
    "Appointment",
    "AuditEvent",
    "AvailabilityRule",
    "Closure",
    "CounterSeat",
    "CounterSettings",
    "Notification",
    "SeatReservation",
    "Service",
]

# The page type lives in ``pages.py`` (it hosts the citizen routes) but Django must import it
# with the other models so migrations and the page tree see it.
from ..pages import DigitalCounterPage

__all__ += ["DigitalCounterPage"]
