"""Appointments, the reservation rows that make double booking impossible, and link tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models.choices import LANGUAGE_CHOICES, AppointmentStatus, BookedVia, Channel
from digitale_balie_plugin.models.services import CounterSeat, Service
from digitale_balie_plugin.tokens import SHORT_TOKEN_BYTES, TOKEN_BYTES, hash_token, new_reference, new_token


class AppointmentQuerySet(models.QuerySet):
    def booked(self):
        return self.filter(status=AppointmentStatus.BOOKED)

    def for_site(self, site):
        return self.filter(site=site)


class Appointment(models.Model):
    """A booked slot. Start and end are stored in UTC and shown in the planning zone."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="balie_appointments")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    seat = models.ForeignKey(
        CounterSeat, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("counter seat")
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    reserved_until = models.DateTimeField(_("seat reserved until"), help_text=_("The end plus the service's buffer."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VIDEO)
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED, db_index=True
    )
    booked_via = models.CharField(_("booked via"), max_length=10, choices=BookedVia.choices, default=BookedVia.WEB)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    citizen_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Empty for a caller without e-mail: the confirmation and links then go by SMS."),
    )
    email_confirmed = models.BooleanField(
        _("e-mail address confirmed"),
        default=True,
        help_text=_("False while an address taken down by a clerk is not confirmed by the citizen."),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    sms_consent = models.BooleanField(_("SMS reminder wanted"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="nl")
    question = models.TextField(_("what is it about"), blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["seat", "status", "start"])]
        permissions = [
            ("book_on_behalf", _("Can book an appointment on behalf of a citizen")),
            ("cancel_in_bulk", _("Can cancel a flood of bookings at once")),
        ]
        constraints = [
            # Every appointment can reach its citizen (until the retention job erases the contact details).
            models.CheckConstraint(
                condition=~models.Q(email="", phone="") | models.Q(personal_data_deleted_at__isnull=False),
                name="appointment_reaches_its_citizen",
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start, app_settings.TIME_ZONE)
        return f"{self.reference} · {self.service} · {local:%d/%m/%Y %H:%M}"

    @property
    def is_video(self) -> bool:
        """A video call (join link, waiting room, device test); phone, chat and desk have none."""
        return self.channel == Channel.VIDEO

    @property
    def local_start(self):
        return timezone.localtime(self.start, app_settings.TIME_ZONE)

    @property
    def local_end(self):
        return timezone.localtime(self.end, app_settings.TIME_ZONE)

    @property
    def is_changeable(self) -> bool:
        return self.status == AppointmentStatus.BOOKED and self.start > timezone.now()

    @property
    def reached_by_sms(self) -> bool:
        """Booked without an e-mail address (a caller on the phone): every message goes by SMS."""
        return not self.email and bool(self.phone)

    def issue_token(self, purpose: str, *, short: bool = False) -> str:
        """Create a link token for this appointment and return the raw value (never stored); ``short``
        for a link in an SMS (128 bits instead of 256)."""
        raw, digest = new_token(SHORT_TOKEN_BYTES if short else TOKEN_BYTES)
        AccessToken.objects.create(
            appointment=self, purpose=purpose, token_hash=digest, expires_at=self.token_expiry(purpose)
        )
        return raw

    def token_expiry(self, purpose: str):
        if purpose == AccessToken.Purpose.CONFIRM_EMAIL:
            return min(timezone.now() + app_settings.EMAIL_CONFIRMATION_VALID, self.end)
        if purpose == AccessToken.Purpose.JOIN:
            return self.end + app_settings.JOIN_LINK_GRACE
        return self.end + app_settings.MANAGE_LINK_VALID_AFTER_END


class SeatReservation(models.Model):
    """One row per seat and time quantum an appointment occupies.

    Why: "is this seat free?" checked before an insert races under load. A unique constraint on
    (seat, quantum_start) lets the database refuse the second booking for any overlapping time,
    on SQLite and PostgreSQL alike, even when the competing rows do not exist yet.
    """

    seat = models.ForeignKey(CounterSeat, on_delete=models.CASCADE, related_name="+")
    quantum_start = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reservations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seat", "quantum_start"], name="balie_one_booking_per_seat_quantum")
        ]

    def __str__(self) -> str:
        return f"{self.seat_id} @ {self.quantum_start:%Y-%m-%d %H:%M}"

    @staticmethod
    def quanta(start, end):
        """The quantum starts covering [start, end): what one appointment reserves."""
        step = timedelta(minutes=app_settings.SLOT_QUANTUM_MINUTES)
        epoch_offset = (start - start.replace(minute=0, second=0, microsecond=0)) % step
        current = start - epoch_offset
        while current < end:
            yield current
            current += step


class AccessTokenQuerySet(models.QuerySet):
    def valid(self, raw: str, purpose: str):
        return self.filter(
            token_hash=hash_token(raw), purpose=purpose, expires_at__gt=timezone.now(), used_at__isnull=True
        )


class AccessToken(models.Model):
    """A link that grants something for one appointment: manage, join, confirm the e-mail address.

    Only the SHA-256 hash is stored; each token expires; single-use ones are marked ``used_at``.
    """

    class Purpose(models.TextChoices):
        MANAGE = "manage", _("Manage the appointment")
        JOIN = "join", _("Join the conversation")
        CONFIRM_EMAIL = "confirm_email", _("Confirm the e-mail address")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("link token")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} (until {self.expires_at:%Y-%m-%d %H:%M})"
