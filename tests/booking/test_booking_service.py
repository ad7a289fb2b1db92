"""The booking service layer: one transaction per action, capacity enforced by the database."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from digitale_balie_plugin import signals
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.exceptions import AppointmentNotChangeable, InvalidToken, SlotUnavailable
from digitale_balie_plugin.models import AccessToken, Appointment, AuditEvent, Notification, SeatReservation
from digitale_balie_plugin.models.audit import AppendOnlyError
from digitale_balie_plugin.models.choices import AppointmentStatus, BookedVia
from digitale_balie_plugin.tokens import hash_token
from tests.factories import SeatFactory
from tests.fixtures import at

CITIZEN = booking.CitizenDetails(name="An Peeters", email="an@example.be", phone="0470 12 34 56", language="fr")

pytestmark = pytest.mark.django_db(transaction=True)


def test_booking_creates_appointment_reservations_token_audit_and_mail(service, seat, counter_page):
    received = []
    signals.appointment_booked.connect(lambda **kw: received.append(kw), weak=False)
    result = booking.book_appointment(service, at(8, 9, 30), CITIZEN)

    appointment = result.appointment
    assert (appointment.seat, appointment.status, appointment.language) == (seat, "booked", "fr")
    assert appointment.reserved_until == appointment.end + timedelta(minutes=10)
    assert SeatReservation.objects.filter(appointment=appointment).count() == 6  # 30 minutes in 5-minute quanta
    token = AccessToken.objects.get(purpose="manage", token_hash=hash_token(result.manage_token))
    assert result.manage_token not in token.token_hash
    assert AuditEvent.objects.filter(action="appointment.booked", object_id=str(appointment.pk)).exists()
    assert received and received[0]["appointment"] == appointment

    [message] = mail.outbox
    assert message.to == ["an@example.be"]
    assert "rendez-vous" in message.subject.lower()  # the citizen's language
    assert "/digitale-balie/manage/" in message.body and "/digitale-balie/join/" in message.body
    assert "/digitale-balie/device-test/" in message.body
    [(name, ics, mimetype)] = message.attachments
    ics = ics.encode() if isinstance(ics, str) else ics
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics and b"/digitale-balie/join/" in ics.replace(b"\r\n ", b"")
    assert message.alternatives[0][1] == "text/html"
    [part] = [part for part in message.message().walk() if (part.get_filename() or "").endswith(".ics")]
    assert part["Content-Type"].count("charset") == 1, part["Content-Type"]  # not repeated


def test_the_same_seat_time_cannot_be_booked_twice(service, seat, counter_page):
    booking.book_appointment(service, at(8, 10), CITIZEN)
    with pytest.raises(SlotUnavailable):
        booking.book_appointment(service, at(8, 10), CITIZEN)
    assert Appointment.objects.count() == 1
    assert SeatReservation.objects.count() == 6


def test_capacity_is_the_number_of_free_seats(service, seat, counter_page):
    SeatFactory(services_for=service)
    first = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    second = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    assert first.seat != second.seat
    with pytest.raises(SlotUnavailable):
        booking.book_appointment(service, at(8, 10), CITIZEN)


def test_database_refuses_overlap_even_without_the_check(service, seat):
    appointment = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatReservation.objects.create(seat=seat, quantum_start=at(8, 10, 25), appointment=appointment)


def test_buffer_blocks_the_next_slot_of_a_longer_service(service, seat):
    booking.book_appointment(service, at(8, 9), CITIZEN)  # reserved 09:00–09:30
    starts = [
        slot.start.time().isoformat("minutes")
        for slot in free_slots(service, first_day=at(8, 0).date(), last_day=at(8, 0).date())
    ]
    assert starts == ["09:30", "10:00", "10:30", "11:00", "11:30"]


def test_a_time_outside_the_rules_or_a_channel_not_offered_is_refused(service, seat):
    with pytest.raises(SlotUnavailable):
        booking.book_appointment(service, at(8, 9, 5), CITIZEN)
    with pytest.raises(SlotUnavailable):
        booking.book_appointment(service, at(8, 9), CITIZEN, channel="desk")
    assert not Appointment.objects.exists() and not SeatReservation.objects.exists()


def test_cancel_frees_the_time_and_mails(service, seat, counter_page):
    appointment = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    mail.outbox.clear()
    booking.cancel_appointment(appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_at
    assert not SeatReservation.objects.exists()
    assert booking.book_appointment(service, at(8, 10), CITIZEN)
    assert any("annulé" in m.subject.lower() for m in mail.outbox)
    with pytest.raises(AppointmentNotChangeable):
        booking.cancel_appointment(appointment)


def test_reschedule_moves_and_frees_the_old_time(service, seat, counter_page):
    appointment = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    moved = []
    signals.appointment_rescheduled.connect(lambda **kw: moved.append(kw), weak=False)
    booking.reschedule_appointment(appointment, at(9, 11))
    appointment.refresh_from_db()
    assert appointment.start == at(9, 11)
    assert moved[0]["previous_start"] == at(8, 10)
    assert SeatReservation.objects.filter(quantum_start=at(8, 10)).count() == 0
    assert SeatReservation.objects.filter(quantum_start=at(9, 11)).count() == 1
    other = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    with pytest.raises(SlotUnavailable):
        booking.reschedule_appointment(appointment, at(8, 10))
    appointment.refresh_from_db()
    assert appointment.start == at(9, 11) and other.start == at(8, 10)
    assert SeatReservation.objects.filter(appointment=appointment).count() == 6


def test_a_past_appointment_cannot_be_changed_by_the_citizen(service, seat, frozen_now):
    appointment = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    frozen_now.move_to(at(8, 10, 5))
    with pytest.raises(AppointmentNotChangeable):
        booking.cancel_appointment(appointment)
    with pytest.raises(AppointmentNotChangeable):
        booking.reschedule_appointment(appointment, at(9, 10))


def test_tokens_expire_and_unknown_tokens_fail(service, seat, frozen_now):
    result = booking.book_appointment(service, at(8, 10), CITIZEN)
    assert booking.appointment_for_token(result.manage_token) == result.appointment
    with pytest.raises(InvalidToken):
        booking.appointment_for_token("x" * 43)
    frozen_now.move_to(at(9, 11))  # the day after the appointment ended + 1 hour
    with pytest.raises(InvalidToken):
        booking.appointment_for_token(result.manage_token)


def test_clerk_booking_asks_to_confirm_the_address_first(service, seat, counter_page, django_user_model):
    clerk = django_user_model.objects.create_user("clerk")
    appointment = booking.book_appointment(
        service, at(8, 10), CITIZEN, channel="phone", booked_via=BookedVia.PHONE, booked_by=clerk
    ).appointment
    assert not appointment.email_confirmed and appointment.booked_via == "phone"
    [message] = mail.outbox
    assert "/confirm-email/" in message.body and "/manage/" not in message.body
    assert not message.attachments  # no details to an address that may be a stranger's
    raw = message.body.split("/confirm-email/")[1].split("/")[0]
    booking.confirm_email(raw)
    appointment.refresh_from_db()
    assert appointment.email_confirmed
    assert len(mail.outbox) == 2 and "/manage/" in mail.outbox[1].body
    with pytest.raises(InvalidToken):
        booking.confirm_email(raw)  # single use
    assert AuditEvent.objects.filter(action="appointment.booked", actor=clerk).exists()


def test_audit_events_are_append_only(service, seat):
    booking.book_appointment(service, at(8, 10), CITIZEN)
    event = AuditEvent.objects.get()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")


def test_notifications_are_claimed_once(service, seat, counter_page):
    from digitale_balie_plugin.booking.notifications import send_appointment_email

    appointment = booking.book_appointment(service, at(8, 10), CITIZEN).appointment
    assert not send_appointment_email(appointment.pk, Notification.Kind.CONFIRMATION)
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
