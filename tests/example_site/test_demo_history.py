"""``load_demo_history``: a few weeks of past figures for the demo, generated once, without sending anything."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone
from django_q.models import OrmQ

from digitale_balie_plugin.booking.notifications import delivery_summary
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import (
    Appointment,
    CallSession,
    CaseRecord,
    ChannelCount,
    Feedback,
    IdentityVerification,
    InCallAction,
    Notification,
    Payment,
    SignatureRequest,
    StaffSurveyAnswer,
)
from digitale_balie_plugin.models.choices import AppointmentStatus

pytestmark = pytest.mark.django_db

HISTORY = [Appointment, CallSession, InCallAction, Notification, CaseRecord, Feedback, StaffSurveyAnswer, ChannelCount]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in HISTORY}


@pytest.fixture
def demo_history(django_capture_on_commit_callbacks):
    call_command("load_demo_content", stdout=StringIO())
    mail.outbox.clear()
    before = counts()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("load_demo_history", stdout=StringIO())
    assert callbacks == []  # no task enqueued, no signal sent after the commit
    return before


def test_history_lies_in_the_past_and_is_added_once(demo_history):
    now, today = timezone.now(), timezone.localdate()
    added = {name: number - demo_history[name] for name, number in counts().items()}
    assert all(added.values()), added
    history = Appointment.objects.exclude(email="burger@demostad.example")
    assert not history.filter(start__gte=now).exists() and not history.filter(created_at__gte=now).exists()
    assert not CallSession.objects.filter(Q(ended_at__gte=now) | Q(started_at__gte=now)).exists()
    assert not Notification.objects.filter(Q(created_at__gte=now) | Q(opened_at__gte=now)).exists()
    assert not Feedback.objects.filter(given_on__gt=today).exists()
    assert not InCallAction.objects.filter(created_at__gte=now).exists()
    assert not Payment.objects.filter(created_at__gte=now).exists()
    assert not ChannelCount.objects.filter(period_end__gte=today).exists()
    # Nothing went out, nothing was queued for later.
    assert not mail.outbox and not DemoSmsProvider.outbox and not OrmQ.objects.exists()
    assert not InCallAction.objects.exclude(status__in=["completed", "failed", "expired"]).exists()  # no sweep

    call_command("load_demo_history", stdout=(output := StringIO()))
    assert "nothing added" in output.getvalue()
    assert counts() == {name: demo_history[name] + added[name] for name in added}


def test_the_figures_look_like_a_real_counter(demo_history):
    statuses = dict(Appointment.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[AppointmentStatus.COMPLETED] > 5 * statuses[AppointmentStatus.NO_SHOW]
    assert statuses[AppointmentStatus.NO_SHOW] > 0 and statuses[AppointmentStatus.CANCELLED] > 0
    channels = set(CallSession.objects.values_list("channel", flat=True))
    assert channels == {"video", "phone", "desk", "chat"}
    assert CallSession.objects.filter(is_walk_in=True).exists()
    waits = [
        (session.started_at - session.waiting_since).total_seconds() / 60
        for session in CallSession.objects.filter(started_at__isnull=False, waiting_since__isnull=False)
    ]
    assert 0 < sum(waits) / len(waits) < 15 and max(waits) <= 21  # a walk-in may wait from before the slot
    # Every weekday in the history has conversations, no weekend day does.
    days = {timezone.localtime(s.planned_start).date() for s in CallSession.objects.exclude(room_name="")}
    assert all(day.weekday() < 5 for day in days) and len(days) > 20

    # In-call actions end both ways.
    outcomes = set(InCallAction.objects.values_list("kind", "status"))
    for kind in ["verify_identity", "request_payment", "request_signature"]:
        assert (kind, "completed") in outcomes and any(k == kind and s != "completed" for k, s in outcomes), kind
    assert IdentityVerification.objects.exclude(failure_reason="").exists()
    assert set(Payment.objects.values_list("status", flat=True)) == {"paid", "failed", "expired"}
    assert (
        Payment.objects.filter(status="paid").exclude(method="").count()
        == Payment.objects.filter(status="paid").count()
    )
    assert SignatureRequest.objects.filter(signed_at__isnull=False, verification__isnull=False).exists()

    figures = delivery_summary(Notification.objects.all())
    assert figures["emails_sent"] > figures["emails_failed"] > 0
    assert figures["sms_delivered"] > figures["sms_failed"] > 0 and 0 < figures["opened"] < figures["emails_sent"]
    assert CaseRecord.objects.filter(status="sent").count() > 0.9 * CaseRecord.objects.count()

    answers = Feedback.objects.all()
    complete = answers.exclude(Q(ease=None) | Q(satisfaction=None) | Q(use_again="") | Q(time_saved=""))
    assert complete.count() > answers.count() / 2
    assert {1, 5} <= set(answers.values_list("satisfaction", flat=True))
    assert set(answers.values_list("source", flat=True)) == {"call", "email", "page"}
    assert answers.filter(language="fr").exclude(comment="").exists() and answers.exclude(comment="").count() > 5
    assert answers.filter(satisfaction__gte=4).count() > 2 * answers.filter(satisfaction__lte=2).count()
    assert not answers.filter(contact_ok=False).exclude(contact_email="").exists()  # anonymous unless ticked
    answered = CallSession.objects.filter(feedback_given=True).count()
    assert answered == answers.exclude(source="page").count()
    assert StaffSurveyAnswer.objects.values("user").distinct().count() >= 3
