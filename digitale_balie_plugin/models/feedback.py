"""What citizens and clerks tell us about the digital counter.

A citizen's answer is anonymous unless they tick "you may contact me": then (and only then) it is
linked to the conversation and keeps a name and address to reply to. Without the tick the row
holds what analysis needs — site, service, seat, channel and the *day* — and nothing that points
at one person. The conversation only remembers *that* it was answered (``CallSession.feedback_given``),
so nobody is asked twice, never *what* was answered.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.calls import CallSession
from digitale_balie_plugin.models.choices import LANGUAGE_CHOICES, Channel
from digitale_balie_plugin.models.services import CounterSeat, Service
from digitale_balie_plugin.tokens import hash_token, new_token

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class UseAgain(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class TimeSaved(models.TextChoices):
    NONE = "none", _("No time saved")
    UNDER_30 = "under_30", _("Less than half an hour")
    UNDER_60 = "under_60", _("Half an hour to an hour")
    UNDER_120 = "under_120", _("One to two hours")
    MORE = "more", _("More than two hours")


#: Minutes each answer stands for, to sum "time saved" (the middle of each range; a cautious 150 for "more").
TIME_SAVED_MINUTES = {
    TimeSaved.NONE: 0,
    TimeSaved.UNDER_30: 15,
    TimeSaved.UNDER_60: 45,
    TimeSaved.UNDER_120: 90,
    TimeSaved.MORE: 150,
}


class FeedbackQuerySet(models.QuerySet):
    def for_period(self, site, start, end):
        """Answers given on the local days ``start`` … ``end`` (both included)."""
        return self.filter(site=site, given_on__gte=start, given_on__lte=end)


class Feedback(models.Model):
    class Source(models.TextChoices):
        CALL = "call", _("After the conversation")
        EMAIL = "email", _("Invitation by e-mail")
        PAGE = "page", _("Feedback form on a page")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("asked"), max_length=10, choices=Source.choices)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    seat = models.ForeignKey(
        CounterSeat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("counter seat")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    page_title = models.CharField(_("page"), max_length=255, blank=True)
    given_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="nl")
    ease = models.PositiveSmallIntegerField(_("easy to join"), null=True, blank=True, validators=SCORE)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True, validators=SCORE)
    use_again = models.CharField(_("would use it again"), max_length=8, choices=UseAgain.choices, blank=True)
    time_saved = models.CharField(_("time saved"), max_length=10, choices=TimeSaved.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # Only with the citizen's tick:
    contact_ok = models.BooleanField(_("may be contacted"), default=False)
    session = models.ForeignKey(
        CallSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("conversation")
    )
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-given_on", "-pk"]
        permissions = [
            ("view_feedback_report", _("Can see the feedback report")),
            ("view_feedback_text", _("Can read feedback comments and contact details")),
            ("view_counter_dashboard", _("Can see the digital counter's figures")),
        ]

    def __str__(self) -> str:
        return f"{self.given_on:%Y-%m-%d} {self.get_source_display()} {self.satisfaction or '-'}"


class FeedbackInvitationQuerySet(models.QuerySet):
    def valid(self, raw: str):
        return self.filter(token_hash=hash_token(raw), used_at__isnull=True, expires_at__gt=timezone.now())


class FeedbackInvitation(models.Model):
    """The e-mailed survey link for one conversation: hash stored, expires, dies when answered."""

    session = models.OneToOneField(CallSession, on_delete=models.CASCADE, related_name="feedback_invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = FeedbackInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback invitation")

    def __str__(self) -> str:
        return f"{self.session_id} ({self.sent_at or '-'})"

    @classmethod
    def issue(cls, session: CallSession, valid_for) -> tuple[str, FeedbackInvitation]:
        raw, digest = new_token()
        invitation = cls.objects.create(session=session, token_hash=digest, expires_at=timezone.now() + valid_for)
        return raw, invitation


class StaffSurveyAnswer(models.Model):
    """Clerk satisfaction: one short answer per clerk per month, shown only as averages."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), validators=SCORE)
    tools = models.PositiveSmallIntegerField(_("the tools work well"), validators=SCORE)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff survey answer")
        verbose_name_plural = _("staff survey answers")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="balie_one_staff_answer_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.satisfaction}"


class ChannelCount(models.Model):
    """Conversations counted outside the digital counter (desk visits, phone calls), entered by a manager.

    The digital counter counts its own conversations; these numbers let the dashboard show its share.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
        help_text=_("Leave empty for all services together."),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (included)"))
    desk_visits = models.PositiveIntegerField(_("visits at the counter"), default=0)
    phone_calls = models.PositiveIntegerField(_("phone calls"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conversations on other channels")
        verbose_name_plural = _("conversations on other channels")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="balie_channel_count_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end cannot be before the start.")})
