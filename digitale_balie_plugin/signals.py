"""Signals: the seam for CRM, SMS, audit and whatever a site wants to add.

All are sent after the transaction commits, so receivers never see rolled-back data.
"""

from django.dispatch import Signal

#: sender=Appointment, appointment=..., booked_via=...
appointment_booked = Signal()
#: sender=Appointment, appointment=..., by_user=None|User
appointment_cancelled = Signal()
#: sender=Appointment, appointment=..., previous_start=datetime
appointment_rescheduled = Signal()
#: sender=CallSession, session=..., clerk=User
call_started = Signal()
#: sender=CallSession, session=..., clerk=User, outcome=str — the seam for the CRM case record
call_ended = Signal()
#: sender=CallSession, session=..., by_user=None|User — the appointment was cancelled, its conversation closed
call_cancelled = Signal()
#: sender=CallSession, session=... — the clerk let another device in as the citizen (the earlier one is out)
citizen_device_changed = Signal()
#: sender=InCallAction, action=..., previous=str, status=str (an ActionStatus value) — every status change
action_status_changed = Signal()
#: sender=IdentityVerification, verification=..., action=InCallAction — no identifiers in clear
identity_verified = Signal()
#: sender=IdentityVerification, verification=..., action=InCallAction, reason=str (a FailureReason)
identity_verification_failed = Signal()
#: sender=Payment, payment=..., previous=str, status=str (a models.PaymentStatus value)
payment_status_changed = Signal()
#: sender=Payment, payment=..., refund=Refund
payment_refunded = Signal()
#: sender=SignatureRequest, signature=..., document=Document (the signed PDF)
document_signed = Signal()
#: sender=CaseRecord, case=..., reference=str — after the CRM took the record
case_registered = Signal()
#: sender=Feedback, feedback=... — a citizen answered the survey or a page's feedback form (after commit)
feedback_given = Signal()
