"""Models, one module per aggregate; import them from here."""

from .actions import ActionStatus, InCallAction
from .appointments import AccessToken, Appointment, SeatReservation
from .audit import AuditEvent
from .calls import CallSession, Outcome, ParticipantAccess, SessionStatus, WaitingRoomMessage
from .cases import CaseRecord, CaseStatus
from .choices import AssuranceLevel, VerificationData
from .documents import Document, DocumentSource
from .feedback import ChannelCount, Feedback, FeedbackInvitation, StaffSurveyAnswer, TimeSaved, UseAgain
from .forms import ApplicationFormField, ApplicationFormPage, ApplicationSubmission
from .identity import FailureReason, IdentityVerification
from .notifications import Notification
from .payments import Payment, PaymentAttempt, PaymentStatus, Refund
from .services import AvailabilityRule, Closure, CounterSeat, Service
from .settings import CounterSettings
from .signatures import SignatureRequest

__all__ = [
    "AccessToken",
    "ActionStatus",
    "ApplicationFormField",
    "ApplicationFormPage",
    "ApplicationSubmission",
    "Appointment",
    "AssuranceLevel",
    "AuditEvent",
    "AvailabilityRule",
    "CallSession",
    "CaseRecord",
    "CaseStatus",
    "ChannelCount",
    "Closure",
    "CounterSeat",
    "CounterSettings",
    "Document",
    "DocumentSource",
    "FailureReason",
    "Feedback",
    "FeedbackInvitation",
    "IdentityVerification",
    "InCallAction",
    "Notification",
    "Outcome",
    "ParticipantAccess",
    "Payment",
    "PaymentAttempt",
    "PaymentStatus",
    "Refund",
    "SeatReservation",
    "Service",
    "SessionStatus",
    "SignatureRequest",
    "StaffSurveyAnswer",
    "TimeSaved",
    "UseAgain",
    "VerificationData",
    "WaitingRoomMessage",
]

# The page type lives in ``pages.py`` (it hosts the citizen routes) but Django must import it
# with the other models so migrations and the page tree see it.
from ..pages import DigitalCounterPage

__all__ += ["DigitalCounterPage"]
