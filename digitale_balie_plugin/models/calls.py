"""Conversations (video, phone, chat, desk), who may take part, and what the clerk tells the waiting room."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models.appointments import Appointment
from digitale_balie_plugin.models.choices import LANGUAGE_CHOICES, Channel
from digitale_balie_plugin.models.services import CounterSeat, Service
from digitale_balie_plugin.tokens import hash_token, new_token


class SessionStatus(models.TextChoices):
    EXPECTED = "expected", _("Not arrived")
    WAITING = "waiting", _("Waiting")
    IN_CALL = "in_call", _("In conversation")
    ENDED = "ended", _("Done")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def closed(cls) -> tuple[str, ...]:
        """The states in which a conversation takes nobody in and nothing new (links die after a grace)."""
        return (cls.ENDED, cls.NO_SHOW, cls.CANCELLED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")


class CallSessionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=SessionStatus.closed())

    def for_day(self, seat, day):
        """The seat's sessions of one local day: appointments that day, walk-ins and calls opened that day."""
        tz = app_settings.TIME_ZONE
        start = timezone.datetime.combine(day, timezone.datetime.min.time(), tzinfo=tz)
        end = start + timedelta(days=1)
        return self.filter(seat=seat, planned_start__gte=start, planned_start__lt=end)


#: How much earlier than planned a citizen must be waiting to count as "arrived early".
EARLY_MARGIN = timedelta(minutes=5)


class CallSession(models.Model):
    """One conversation at a counter seat, on any channel; the anchor for in-call actions.

    Created for an appointment when the citizen first opens the join link (or when the clerk opens the
    console), for a walk-in ticket, or by the clerk for a phone/chat/desk contact without appointment.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    seat = models.ForeignKey(
        CounterSeat, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("counter seat")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session",
        verbose_name=_("appointment"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VIDEO)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.EXPECTED, db_index=True
    )
    citizen_name = models.CharField(_("name"), max_length=150, blank=True)
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("E-mail address or phone number, for a walk-in.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("The language a walk-in used; an appointment has its own."),
    )
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    ticket_number = models.PositiveIntegerField(_("ticket"), null=True, blank=True)
    room_name = models.CharField(max_length=80, unique=True, editable=False)
    planned_start = models.DateTimeField(_("planned"), db_index=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clerk"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up appointment"),
    )
    feedback_given = models.BooleanField(_("feedback given"), default=False)
    feedback_invited_at = models.DateTimeField(_("feedback invitation sent"), null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["planned_start", "ticket_number"]
        permissions = [
            ("work_at_counter", _("Can work at a counter seat")),
            ("manage_personal_data", _("Can export and erase everything held about a citizen")),
            ("view_all_seats", _("Can see the data of every counter seat, on every site")),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_name or _('Citizen')} · {self.get_channel_display()} · {self.get_status_display()}"

    @property
    def is_video(self) -> bool:
        """A video call (join link, waiting room, device test); phone, chat and desk have none."""
        return self.channel == Channel.VIDEO

    @property
    def before_its_day(self) -> bool:
        """Opened before the day of the appointment (Monday's link on Friday): not yet in anyone's queue."""
        today = timezone.localdate(timezone=app_settings.TIME_ZONE)
        return timezone.localtime(self.planned_start, app_settings.TIME_ZONE).date() > today

    @property
    def arrived_early(self) -> bool:
        """Waiting since before the planned time (by more than a few minutes): the clerk may start early."""
        return bool(self.waiting_since) and self.waiting_since < self.planned_start - EARLY_MARGIN

    @property
    def is_open(self) -> bool:
        return self.status not in SessionStatus.closed()

    def citizen_language(self, fallback: str) -> str:
        """The language the citizen booked in (or used at the walk-in desk); ``fallback`` (the site's) otherwise."""
        if self.appointment_id:
            return self.appointment.language
        return self.language or fallback

    @property
    def links_valid_until(self):
        """Join and guest links die with the call, after a short grace for a dropped connection."""
        if self.ended_at:
            return self.ended_at + app_settings.JOIN_LINK_GRACE
        if self.status == SessionStatus.IN_CALL:  # a call that runs late keeps its links (and tokens) alive
            return max(self._planned_until(), timezone.now() + timedelta(hours=1))
        return self._planned_until()

    def _planned_until(self):
        if self.appointment_id:
            return self.appointment.end + app_settings.JOIN_LINK_GRACE + timedelta(hours=2)
        return self.planned_start + timedelta(hours=12)


class ParticipantAccessQuerySet(models.QuerySet):
    def valid(self, raw: str):
        return self.filter(token_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())


class ParticipantAccess(models.Model):
    """A citizen's or guest's right to be in one session, held as an HttpOnly cookie (hash stored only).

    The citizen gets one by exchanging the join link; guests (interpreter, carer) by a guest link.
    Revoking or ending the call makes it useless.
    """

    class Role(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        GUEST = "guest", _("Guest")

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="accesses")
    role = models.CharField(max_length=10, choices=Role.choices)
    display_name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=10, default="cookie", choices=[("cookie", "cookie"), ("link", "link")])
    admitted = models.BooleanField(
        _("let in"),
        default=True,
        help_text=_("False for a second device that opened the citizen's link: it waits until the clerk lets it in."),
    )
    device = models.CharField(_("device"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant access")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.display_name}"

    @classmethod
    def issue(
        cls,
        session: CallSession,
        role: str,
        display_name: str,
        purpose: str = "cookie",
        *,
        admitted: bool = True,
        device: str = "",
    ) -> tuple[str, ParticipantAccess]:
        raw, digest = new_token()
        access = cls.objects.create(
            session=session,
            role=role,
            display_name=display_name[:100],
            token_hash=digest,
            purpose=purpose,
            expires_at=session.links_valid_until,
            admitted=admitted,
            device=device[:80],
        )
        return raw, access


class WaitingRoomMessage(models.Model):
    """A short message from the clerk to the waiting room ("running 10 minutes late")."""

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="messages")
    text = models.CharField(_("message"), max_length=300)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("waiting room message")

    def __str__(self) -> str:
        return self.text
