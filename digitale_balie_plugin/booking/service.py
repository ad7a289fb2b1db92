"""The booking service layer: book, cancel, reschedule, confirm an e-mail address.

Every function is one transaction. Capacity is enforced by the database (``SeatReservation``'s
unique constraint), not by the check that precedes the insert: the check only picks candidate
seats, the constraint decides. Signals and background jobs run after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from digitale_balie_plugin import signals
from digitale_balie_plugin.booking.availability import slot_at
from digitale_balie_plugin.booking.limits import check_day_ceiling
from digitale_balie_plugin.exceptions import AppointmentNotChangeable, InvalidToken, SlotUnavailable
from digitale_balie_plugin.jobs import enqueue_on_commit
from digitale_balie_plugin.models import AccessToken, Appointment, SeatReservation, Service
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.choices import AppointmentStatus, BookedVia, Channel
from digitale_balie_plugin.models.notifications import Notification


@dataclass(frozen=True)
class CitizenDetails:
    """What we ask the citizen (or the clerk on their behalf)."""

    name: str
    email: str = ""  # empty for a caller without e-mail: then ``phone`` (a mobile) is required
    phone: str = ""
    language: str = "nl"
    sms_consent: bool = False
    question: str = ""


@dataclass(frozen=True)
class BookingResult:
    appointment: Appointment
    manage_token: str


def book_appointment(
    service: Service,
    start: datetime,
    citizen: CitizenDetails,
    *,
    channel: str = Channel.VIDEO,
    booked_via: str = BookedVia.WEB,
    booked_by=None,
    email_confirmed: bool | None = None,
) -> BookingResult:
    """Book ``service`` at ``start`` on any free seat, or raise ``SlotUnavailable``.

    A translation of the service (booked from a page in another language) books the service itself: one
    appointment whatever the language (``models.translations``). A web booking beyond the day's ceiling raises
    ``limits.DayFull`` (``booking.limits``); a clerk's booking is not limited."""
    service = service.canonical()
    if channel not in service.channels:
        raise SlotUnavailable()
    with transaction.atomic():
        slot = slot_at(service, start)
        if slot is None:
            raise SlotUnavailable()
        if booked_via == BookedVia.WEB:
            check_day_ceiling(service, slot.start)
        confirmed = booked_via == BookedVia.WEB if email_confirmed is None else email_confirmed
        appointment = _reserve_first_free_seat(service, slot, citizen, channel, booked_via, booked_by, confirmed)
        manage_token = appointment.issue_token(AccessToken.Purpose.MANAGE)
        record(
            "appointment.booked",
            appointment,
            user=booked_by,
            actor_label="" if booked_by else "citizen",
            site=service.site,
            booked_via=booked_via,
            channel=channel,
        )
        _after_commit(
            signals.appointment_booked.send, sender=Appointment, appointment=appointment, booked_via=booked_via
        )
        # An address taken down by a clerk may be wrong: ask to confirm it before sending details. Without an
        # address the confirmation goes by SMS to the number the clerk read back.
        first_mail = (
            Notification.Kind.CONFIRM_EMAIL
            if appointment.email and not appointment.email_confirmed
            else Notification.Kind.CONFIRMATION
        )
        _send_message_after_commit(appointment.pk, first_mail)
    return BookingResult(appointment, manage_token)


def _reserve_first_free_seat(service, slot, citizen, channel, booked_via, booked_by, confirmed) -> Appointment:
    for seat_id in slot.seat_ids:
        try:
            with transaction.atomic():  # a savepoint per seat: a lost race leaves nothing behind
                start, end = slot.start.astimezone(UTC), slot.end.astimezone(UTC)  # absolute arithmetic
                appointment = Appointment.objects.create(
                    site_id=service.site_id,
                    service=service,
                    seat_id=seat_id,
                    start=start,
                    end=end,
                    reserved_until=end + timedelta(minutes=service.buffer_minutes),
                    channel=channel,
                    booked_via=booked_via,
                    booked_by=booked_by,
                    citizen_name=citizen.name,
                    email=citizen.email,
                    email_confirmed=confirmed,
                    phone=citizen.phone,
                    sms_consent=citizen.sms_consent,
                    language=citizen.language,
                    question=citizen.question,
                )
                _reserve(appointment)
                return appointment
        except IntegrityError:
            continue
    raise SlotUnavailable()


def _reserve(appointment: Appointment) -> None:
    SeatReservation.objects.bulk_create(
        SeatReservation(seat_id=appointment.seat_id, quantum_start=quantum, appointment=appointment)
        for quantum in SeatReservation.quanta(appointment.start, appointment.reserved_until)
    )


def cancel_appointment(appointment: Appointment, *, by_user=None, reason: str = "") -> Appointment:
    """Cancel and free the seat. Citizens may cancel until the start; clerks at any time, with a ``reason`` for
    the audit trail (staff's words, e.g. "flood of fake bookings"; never shown to the citizen)."""
    with transaction.atomic():
        appointment = _lock(appointment)
        if appointment.status != AppointmentStatus.BOOKED or (by_user is None and not appointment.is_changeable):
            raise AppointmentNotChangeable()
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
        appointment.reservations.all().delete()
        appointment.tokens.filter(purpose=AccessToken.Purpose.JOIN).delete()
        record(
            "appointment.cancelled",
            appointment,
            user=by_user,
            actor_label="" if by_user else "citizen",
            site=appointment.site,
            **({"reason": reason} if reason else {}),
        )
        _after_commit(signals.appointment_cancelled.send, sender=Appointment, appointment=appointment, by_user=by_user)
        _send_message_after_commit(appointment.pk, Notification.Kind.CANCELLED)
    return appointment


def reschedule_appointment(appointment: Appointment, new_start: datetime, *, by_user=None) -> Appointment:
    """Move to another free slot of the same service; the old time is freed in the same transaction."""
    with transaction.atomic():
        appointment = _lock(appointment)
        if not appointment.is_changeable:
            raise AppointmentNotChangeable()
        slot = slot_at(appointment.service, new_start, exclude_appointment_id=appointment.pk)
        if slot is None:
            raise SlotUnavailable()
        previous_start = appointment.start
        appointment.reservations.all().delete()
        _move_to_first_free_seat(appointment, slot)
        record(
            "appointment.rescheduled",
            appointment,
            user=by_user,
            actor_label="" if by_user else "citizen",
            site=appointment.site,
            previous_start=previous_start.isoformat(),
        )
        _after_commit(
            signals.appointment_rescheduled.send,
            sender=Appointment,
            appointment=appointment,
            previous_start=previous_start,
        )
        _send_message_after_commit(appointment.pk, Notification.Kind.RESCHEDULED)
    return appointment


def _move_to_first_free_seat(appointment: Appointment, slot) -> None:
    buffer = timedelta(minutes=appointment.service.buffer_minutes)
    for seat_id in sorted(slot.seat_ids, key=lambda seat: seat != appointment.seat_id):
        start, end = slot.start.astimezone(UTC), slot.end.astimezone(UTC)  # absolute arithmetic
        appointment.seat_id, appointment.start, appointment.end = seat_id, start, end
        appointment.reserved_until = end + buffer
        try:
            with transaction.atomic():
                _reserve(appointment)
                appointment.save(update_fields=["seat", "start", "end", "reserved_until", "updated_at"])
                _extend_tokens(appointment)
                return
        except IntegrityError:
            continue
    raise SlotUnavailable()


def _extend_tokens(appointment: Appointment) -> None:
    """Links live as long as the appointment they belong to: follow its new time."""
    for purpose in (AccessToken.Purpose.MANAGE, AccessToken.Purpose.JOIN):
        appointment.tokens.filter(purpose=purpose, used_at__isnull=True).update(
            expires_at=appointment.token_expiry(purpose)
        )


def confirm_email(raw_token: str) -> Appointment:
    """Mark the e-mail address confirmed. The link is single-use."""
    with transaction.atomic():
        token = (
            AccessToken.objects.select_for_update()
            .select_related("appointment")
            .valid(raw_token, AccessToken.Purpose.CONFIRM_EMAIL)
            .first()
        )
        if token is None:
            raise InvalidToken()
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        appointment = token.appointment
        appointment.email_confirmed = True
        appointment.save(update_fields=["email_confirmed", "updated_at"])
        record("appointment.email_confirmed", appointment, actor_label="citizen", site=appointment.site)
        _send_message_after_commit(appointment.pk, Notification.Kind.CONFIRMATION)
    return appointment


def appointment_for_token(raw_token: str, purpose: str = AccessToken.Purpose.MANAGE) -> Appointment:
    """The appointment a valid link points to, or ``InvalidToken``."""
    token = (
        AccessToken.objects.select_related("appointment__service", "appointment__site")
        .valid(raw_token, purpose)
        .first()
    )
    if token is None:
        raise InvalidToken()
    return token.appointment


def _lock(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("service", "site").get(pk=appointment.pk)


def _after_commit(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs))


def _send_message_after_commit(appointment_pk: int, kind: str) -> None:
    enqueue_on_commit("send_appointment_message_task", appointment_pk, kind)
