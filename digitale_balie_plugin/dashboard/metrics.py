"""The figures of one site over one period, optionally for one service.

Every figure is an aggregate over rows the retention job keeps: statuses, channels, times, scores.
So anonymising or deleting personal data never changes the figures of a past period (tested).
Periods are local calendar days, both ends included.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncWeek

from digitale_balie_plugin.booking.notifications import delivery_summary
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import (
    ActionStatus,
    Appointment,
    CallSession,
    ChannelCount,
    CounterSettings,
    Feedback,
    InCallAction,
    Notification,
    Service,
    StaffSurveyAnswer,
)
from digitale_balie_plugin.models.calls import SessionStatus
from digitale_balie_plugin.models.choices import AppointmentStatus, Channel

#: Channels on which the citizen did not come to the town hall.
REMOTE_CHANNELS = (Channel.VIDEO, Channel.PHONE, Channel.CHAT)
#: The in-call actions whose success rate is shown, by the kind's identifier.
RATED_ACTIONS = {"verify_identity": "verification", "request_payment": "payment", "request_signature": "signature"}
CONCLUDED = (ActionStatus.COMPLETED, ActionStatus.FAILED, ActionStatus.EXPIRED)


@dataclass(frozen=True)
class Rate:
    """``part`` of ``whole``; ``percent`` is ``None`` when there is nothing to divide."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass
class Figures:
    start: date
    end: date
    conversations: dict[str, int] = field(default_factory=dict)
    desk_visits: int = 0
    phone_calls: int = 0
    trips_avoided: int = 0
    km_avoided: Decimal = Decimal(0)
    co2_kg_avoided: Decimal = Decimal(0)
    assumptions: dict = field(default_factory=dict)
    satisfaction: float | None = None
    satisfaction_answers: int = 0
    satisfaction_by_week: list[tuple[date, float, int]] = field(default_factory=list)
    ease: float | None = None
    would_use_again: Rate = Rate(0, 0)
    clerk_satisfaction: float | None = None
    clerk_tools: float | None = None
    clerk_answers: int = 0
    identity_when_needed: Rate = Rate(0, 0)
    success: dict[str, Rate] = field(default_factory=dict)
    services_with: dict[str, int] = field(default_factory=dict)
    services_active: int = 0
    no_show: Rate = Rate(0, 0)
    average_wait_minutes: float | None = None
    notifications: dict[str, int] = field(default_factory=dict)

    @property
    def counter_total(self) -> int:
        return sum(self.conversations.values())

    @property
    def digital_share(self) -> Rate:
        """Conversations through the digital counter against all conversations, counted or entered."""
        return Rate(self.counter_total, self.counter_total + self.desk_visits + self.phone_calls)

    def as_dict(self) -> dict:
        """Plain values (for exports and for comparing two computations)."""
        data = asdict(self)
        data["digital_share"] = asdict(self.digital_share)
        data["counter_total"] = self.counter_total
        return data


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes of the local days ``start`` 00:00 … ``end`` + 1 day 00:00."""
    tz = app_settings.TIME_ZONE
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def figures(site, start: date, end: date, service: Service | None = None) -> Figures:
    since, until = bounds(start, end)
    scope = {"service": service} if service is not None else {}
    sessions = CallSession.objects.filter(site=site, planned_start__gte=since, planned_start__lt=until, **scope)
    result = Figures(start=start, end=end)
    _conversations(result, sessions, site, start, end, service)
    _trips(result, site)
    _citizen_feedback(result, site, start, end, service)
    _clerk_feedback(result, site, start, end)
    _actions(result, sessions)
    _services(result, site, service)
    _attendance(result, site, since, until, sessions, scope)
    return result


def _conversations(result, sessions, site, start, end, service) -> None:
    counted = sessions.filter(status=SessionStatus.ENDED).values("channel").annotate(n=Count("pk"))
    result.conversations = {channel.value: 0 for channel in Channel}
    result.conversations.update({row["channel"]: row["n"] for row in counted})
    entered = ChannelCount.objects.filter(site=site, period_start__gte=start, period_end__lte=end)
    entered = entered.filter(service=service) if service is not None else entered
    totals = entered.aggregate(desk=Sum("desk_visits"), phone=Sum("phone_calls"))
    result.desk_visits, result.phone_calls = totals["desk"] or 0, totals["phone"] or 0


def _trips(result, site) -> None:
    settings_ = CounterSettings.for_site(site)
    remote = sum(result.conversations.get(channel.value, 0) for channel in REMOTE_CHANNELS)
    result.trips_avoided = round(remote * settings_.trip_share_percent / 100)
    result.km_avoided = (Decimal(result.trips_avoided) * settings_.trip_km).quantize(Decimal("0.1"))
    result.co2_kg_avoided = (result.km_avoided * settings_.co2_grams_per_km / 1000).quantize(Decimal("0.1"))
    result.assumptions = {
        "trip_km": settings_.trip_km,
        "trip_share_percent": settings_.trip_share_percent,
        "co2_grams_per_km": settings_.co2_grams_per_km,
    }


def _citizen_feedback(result, site, start, end, service) -> None:
    answers = Feedback.objects.for_period(site, start, end).exclude(source=Feedback.Source.PAGE)
    answers = answers.filter(service=service) if service is not None else answers
    totals = answers.aggregate(
        average=Avg("satisfaction"),
        scored=Count("pk", filter=Q(satisfaction__isnull=False)),
        average_ease=Avg("ease"),
        again=Count("pk", filter=Q(use_again="yes")),
        asked_again=Count("pk", filter=~Q(use_again="")),
    )
    result.satisfaction = _rounded(totals["average"])
    result.satisfaction_answers = totals["scored"]
    result.ease = _rounded(totals["average_ease"])
    result.would_use_again = Rate(totals["again"], totals["asked_again"])
    weekly = (
        answers.filter(satisfaction__isnull=False)
        .annotate(week=TruncWeek("given_on"))
        .values("week")
        .annotate(average=Avg("satisfaction"), n=Count("pk"))
        .order_by("week")
    )
    result.satisfaction_by_week = [(row["week"], _rounded(row["average"]), row["n"]) for row in weekly]


def _clerk_feedback(result, site, start, end) -> None:
    totals = StaffSurveyAnswer.objects.filter(site=site, month__gte=start.replace(day=1), month__lte=end).aggregate(
        satisfaction=Avg("satisfaction"), tools=Avg("tools"), n=Count("pk")
    )
    result.clerk_satisfaction, result.clerk_tools = _rounded(totals["satisfaction"]), _rounded(totals["tools"])
    result.clerk_answers = totals["n"]


def _actions(result, sessions) -> None:
    actions = InCallAction.objects.filter(session__in=sessions, kind__in=RATED_ACTIONS)
    rows = actions.values("kind").annotate(
        done=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        concluded=Count("pk", filter=Q(status__in=CONCLUDED)),
    )
    result.success = {name: Rate(0, 0) for name in RATED_ACTIONS.values()}
    result.success.update({RATED_ACTIONS[row["kind"]]: Rate(row["done"], row["concluded"]) for row in rows})
    needed = sessions.filter(status=SessionStatus.ENDED, service__needs_identity_verification=True).aggregate(
        whole=Count("pk", distinct=True),
        part=Count(
            "pk",
            distinct=True,
            filter=Q(actions__kind="verify_identity", actions__status=ActionStatus.COMPLETED),
        ),
    )
    result.identity_when_needed = Rate(needed["part"], needed["whole"])


def _services(result, site, service) -> None:
    services = Service.objects.active().for_site(site)
    services = services.filter(pk=service.pk) if service is not None else services
    totals = services.aggregate(
        active=Count("pk"),
        verification=Count("pk", filter=Q(needs_identity_verification=True)),
        documents=Count("pk", filter=Q(needs_documents=True)),
        signature=Count("pk", filter=Q(needs_signature=True)),
        payment=Count("pk", filter=Q(needs_payment=True)),
    )
    result.services_active = totals.pop("active")
    result.services_with = totals


def _attendance(result, site, since, until, sessions, scope) -> None:
    appointments = Appointment.objects.filter(site=site, start__gte=since, start__lt=until, **scope)
    attendance = appointments.aggregate(
        no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        due=Count("pk", filter=Q(status__in=[AppointmentStatus.NO_SHOW, AppointmentStatus.COMPLETED])),
    )
    result.no_show = Rate(attendance["no_show"], attendance["due"])
    wait = ExpressionWrapper(F("started_at") - F("waiting_since"), output_field=DurationField())
    average = sessions.filter(started_at__isnull=False, waiting_since__isnull=False, started_at__gte=F("waiting_since"))
    average = average.aggregate(wait=Avg(wait))["wait"]
    result.average_wait_minutes = round(average.total_seconds() / 60, 1) if average is not None else None

    result.notifications = delivery_summary(Notification.objects.filter(appointment__in=appointments))


def _rounded(value) -> float | None:
    return round(float(value), 2) if value is not None else None


@dataclass(frozen=True)
class ServiceRow:
    service: str
    conversations: int
    remote: int
    satisfaction: float | None
    answers: int
    no_show: Rate
    verification: Rate


def per_service(site, start: date, end: date) -> list[ServiceRow]:
    """The main figures side by side for every service of the site, in four grouped queries."""
    since, until = bounds(start, end)
    sessions = CallSession.objects.filter(site=site, planned_start__gte=since, planned_start__lt=until)
    ended = {
        row["service"]: row
        for row in sessions.filter(status=SessionStatus.ENDED)
        .values("service")
        .annotate(n=Count("pk"), remote=Count("pk", filter=Q(channel__in=REMOTE_CHANNELS)))
    }
    scores = {
        row["service"]: row
        for row in Feedback.objects.for_period(site, start, end)
        .exclude(source=Feedback.Source.PAGE)
        .filter(satisfaction__isnull=False)
        .values("service")
        .annotate(average=Avg("satisfaction"), n=Count("pk"))
    }
    attendance = {
        row["service"]: row
        for row in Appointment.objects.filter(site=site, start__gte=since, start__lt=until)
        .values("service")
        .annotate(
            no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
            due=Count("pk", filter=Q(status__in=[AppointmentStatus.NO_SHOW, AppointmentStatus.COMPLETED])),
        )
    }
    verifications = {
        row["session__service"]: row
        for row in InCallAction.objects.filter(session__in=sessions, kind="verify_identity")
        .values("session__service")
        .annotate(
            done=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
            concluded=Count("pk", filter=Q(status__in=CONCLUDED)),
        )
    }
    rows = []
    for service in Service.objects.canonical().for_site(site).order_by("sort_order", "name"):
        counted, score = ended.get(service.pk, {}), scores.get(service.pk, {})
        shows, checks = attendance.get(service.pk, {}), verifications.get(service.pk, {})
        rows.append(
            ServiceRow(
                service=service.name,
                conversations=counted.get("n", 0),
                remote=counted.get("remote", 0),
                satisfaction=_rounded(score.get("average")),
                answers=score.get("n", 0),
                no_show=Rate(shows.get("no_show", 0), shows.get("due", 0)),
                verification=Rate(checks.get("done", 0), checks.get("concluded", 0)),
            )
        )
    return rows
