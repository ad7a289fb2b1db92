"""Models, one module per aggregate; import them from here.

The domain's models import no capability and no page: page models live in ``digitale_balie_plugin.cms``.
"""

import warnings

from django.apps import apps

from digitale_balie_plugin.models.actions import ActionStatus, InCallAction
from digitale_balie_plugin.models.applications import ApplicationSubmission
from digitale_balie_plugin.models.appointments import AccessToken, Appointment, SeatReservation
from digitale_balie_plugin.models.audit import AuditEvent
from digitale_balie_plugin.models.calls import (
    CallSession,
    Outcome,
    ParticipantAccess,
    SessionStatus,
    WaitingRoomMessage,
)
from digitale_balie_plugin.models.cases import CaseRecord, CaseStatus
from digitale_balie_plugin.models.choices import AssuranceLevel, VerificationData
from digitale_balie_plugin.models.documents import Document, DocumentSource
from digitale_balie_plugin.models.feedback import (
    ChannelCount,
    Feedback,
    FeedbackInvitation,
    StaffSurveyAnswer,
    TimeSaved,
    UseAgain,
)
from digitale_balie_plugin.models.identity import FailureReason, IdentityVerification
from digitale_balie_plugin.models.notifications import Notification
from digitale_balie_plugin.models.payments import Payment, PaymentAttempt, PaymentStatus, Refund
from digitale_balie_plugin.models.services import (
    ALL_SEATS_PERMISSION,
    AvailabilityRule,
    Closure,
    CounterSeat,
    Service,
    scope_to_seats,
)
from digitale_balie_plugin.models.settings import CounterSettings, clerk_as_seen
from digitale_balie_plugin.models.signatures import SignatureRequest
from digitale_balie_plugin.models.summaries import SummaryLink

__all__ = [
    "ALL_SEATS_PERMISSION",
    "AccessToken",
    "ActionStatus",
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
    "SummaryLink",
    "TimeSaved",
    "UseAgain",
    "VerificationData",
    "WaitingRoomMessage",
    "clerk_as_seen",
    "scope_to_seats",
]

#: Page models moved to the Wagtail layer's app (``digitale_balie_plugin.cms``) in 0.2: importing them from
#: here still works, with a DeprecationWarning, until 0.4. They come from Django's app registry, not by an
#: import: the domain models must never load the page layer (it loads every capability's views).
MOVED_TO_CMS = ("ApplicationFormField", "ApplicationFormPage", "DigitalCounterPage")


def __getattr__(name: str):
    if name not in MOVED_TO_CMS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"digitale_balie_plugin.models.{name} moved to digitale_balie_plugin.cms.models.{name}.",
        DeprecationWarning,
        stacklevel=2,
    )
    return apps.get_model("digitale_balie_cms", name)
