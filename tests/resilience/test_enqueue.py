"""Nothing enqueued is lost while the broker (Redis) is away: the booking answers as usual, the confirmation is
kept in the database as a django-q2 one-off schedule, and a cluster's scheduler sends it once Redis is back —
exactly once. A task that meets a database outage runs again later."""

import pytest
from django.core import mail
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.scheduler import scheduler

from digitale_balie_plugin import jobs, tasks
from digitale_balie_plugin.models import Appointment
from tests.journeys.test_citizen_journey import book, details
from tests.resilience.away import query_a_database_that_is_away, redis_away_url

pytestmark = pytest.mark.django_db(transaction=True)  # the task is enqueued on commit, as in production


@pytest.fixture(autouse=True)
def _only_our_schedules():
    """The migrations' sweeps (reminders, retention, …) are schedules too: leave the scheduler ours alone."""
    Schedule.objects.all().delete()


@pytest.fixture
def broker_away():
    """django-q2 on a Redis broker nobody answers (its settings are read once, at import: patched here);
    ``.undo()`` brings the broker back (the test settings' inline one)."""
    with pytest.MonkeyPatch.context() as broker:
        broker.setattr(Conf, "SYNC", False)
        broker.setattr(Conf, "ORM", None)
        broker.setattr(Conf, "REDIS", redis_away_url() + "?socket_connect_timeout=1")
        yield broker


def confirmations():
    return [message for message in mail.outbox if message.to == ["an@example.be"]]


def test_a_booking_while_the_broker_is_away_is_confirmed_once_it_is_back(
    broker_away, frozen_now, client, counter_page, service, seat
):
    response = book(client, counter_page.url + "book/identiteitskaart/", details())
    assert response.status_code == 303 and "/booked/" in response["Location"]
    assert Appointment.objects.count() == 1 and not confirmations()
    kept = Schedule.objects.get()
    assert kept.func == "digitale_balie_plugin.tasks.send_appointment_message_task"
    assert kept.schedule_type == Schedule.ONCE and kept.repeats == -1

    frozen_now.shift(30)  # the scheduler takes what is due before now
    scheduler(broker=get_broker())  # a cluster's pass while Redis is still away: the enqueue fails, kept
    assert Schedule.objects.count() == 1 and not confirmations()

    broker_away.undo()  # Redis is back (here: the test settings' inline broker)
    scheduler(broker=get_broker())
    scheduler(broker=get_broker())  # a second pass, or a second cluster: nothing left to take
    assert len(confirmations()) == 1
    assert not Schedule.objects.exists()


def summary_while_the_database_is_away(monkeypatch, failures: int) -> list:
    """The summary task's service meets a stopped PostgreSQL its first ``failures`` times; returns its calls."""
    calls = []

    def summary(session_pk):
        calls.append(session_pk)
        if len(calls) <= failures:
            query_a_database_that_is_away()
        return "email"

    monkeypatch.setattr(tasks, "send_summary", summary)
    monkeypatch.setattr(jobs, "RETRY_PAUSE", 0)
    return calls


def test_a_task_that_meets_a_database_outage_runs_again(monkeypatch):
    calls = summary_while_the_database_is_away(monkeypatch, failures=1)
    tasks.send_call_summary_task(7)
    assert calls == [7, 7]


def test_a_task_gives_up_after_its_attempts(monkeypatch, caplog):
    calls = summary_while_the_database_is_away(monkeypatch, failures=99)
    tasks.send_call_summary_task(7)  # the inline broker records the last attempt's failure
    assert len(calls) == jobs.MAX_ATTEMPTS
    assert "failed 6 times" in caplog.text


def test_a_retry_while_the_broker_is_away_waits_in_the_database(broker_away, frozen_now, monkeypatch):
    calls = summary_while_the_database_is_away(monkeypatch, failures=1)
    tasks.send_call_summary_task(7)
    assert calls == [7] and "'attempt': 2" in Schedule.objects.get().kwargs
    broker_away.undo()
    frozen_now.shift(30)
    scheduler(broker=get_broker())
    assert calls == [7, 7] and not Schedule.objects.exists()
