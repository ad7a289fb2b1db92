"""Background work, enqueued by name once the transaction commits.

Services never import ``tasks.py`` (the tasks import the services): they name the task here, and
django-q2 imports it in the worker. Enqueuing on commit means a worker never sees rolled-back rows,
and a rollback sends nothing. Tasks take primary keys, never model instances.

When the broker (Redis) is away, a task is not lost and the request does not fail (its data is committed
already: the citizen's booking exists): the task is kept in the database as a django-q2 one-off ``Schedule``,
due now. Every cluster's scheduler looks at due schedules about every 30 s, enqueues them once the broker
answers again and deletes each one it enqueued (a ``ONCE`` schedule with negative ``repeats``), in a
transaction that locks the rows (``select_for_update``), so one cluster takes each. A scheduler pass whose
enqueue fails rolls back and tries again on the next pass. Tasks are idempotent, which also covers the one
corner where a task could run twice: a pass that enqueued one schedule and failed on the next rolls back the
first one's deletion.
"""

from __future__ import annotations

import logging
import time
from functools import partial, wraps

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

from digitale_balie_plugin.outages import SERVICE_ERRORS, log_outage, name_of

#: Where the ``*_task`` functions live; the worker imports them from there.
TASKS_MODULE = "digitale_balie_plugin.tasks"
GROUP = "digitale_balie"

logger = logging.getLogger("digitale_balie.jobs")


#: A task that met an outage (the database restarting) runs again, at most this many times in all, each after
#: a pause of ``RETRY_PAUSE`` seconds (well inside the cluster's ``timeout``).
MAX_ATTEMPTS = 6
RETRY_PAUSE = 15


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Queue ``tasks.<task_name>(*args)`` now (call it only outside a transaction, or use ``enqueue_on_commit``);
    kept in the database for later when the broker is away."""
    try:
        async_task(f"{TASKS_MODULE}.{task_name}", *args, group=GROUP, **kwargs)
    except SERVICE_ERRORS as exc:
        log_outage(f"enqueue {task_name}: the broker", exc)
        enqueue_later(task_name, *args, **kwargs)


def enqueue_later(task_name: str, *args, **kwargs) -> None:
    """Keep ``tasks.<task_name>(*args)`` as a one-off django-q2 schedule, due now: the next scheduler pass that
    reaches the broker enqueues it (keeping it needs only the database)."""
    try:
        schedule(
            f"{TASKS_MODULE}.{task_name}",
            *_literal(args),
            schedule_type=Schedule.ONCE,
            next_run=timezone.now(),
            q_options={"group": GROUP},
            **kwargs,
        )
    except SERVICE_ERRORS as exc:
        # The database is away too: nowhere shared to keep it. The line names the task and its primary keys,
        # so an operator can run it again (the sweeps of reminders and case records also catch up by themselves).
        logger.error("Task %s%r lost: broker and database are away (%s)", task_name, args, name_of(exc))


def _literal(args: tuple) -> tuple:
    """Plain values: the schedule keeps its arguments as text, read back with ``ast.literal_eval``, which knows
    ``'cancelled'`` but not a choices member's ``Kind.CANCELLED``."""
    return tuple(str(arg) if isinstance(arg, str) else arg for arg in args)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue ``tasks.<task_name>(*args)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task_name, *args))


def retried_when_away(task):
    """A task that meets an outage (the database or the broker away for a moment) runs again later instead of
    failing for good: after a pause, through :func:`enqueue` (so through the database when the broker is the
    one away), ``MAX_ATTEMPTS`` times in all. Safe because tasks are idempotent; for the enqueued-on-commit
    tasks (the sweeps run again by their own schedule)."""

    @wraps(task)
    def wrapper(*args, attempt: int = 1):
        try:
            return task(*args)
        except SERVICE_ERRORS as exc:
            if attempt >= MAX_ATTEMPTS:
                logger.error(
                    "Task %s%r failed %s times, a shared service is away (%s)",
                    task.__name__,
                    args,
                    attempt,
                    name_of(exc),
                )
                raise
            log_outage(f"task {task.__name__}, attempt {attempt}", exc)
        time.sleep(RETRY_PAUSE)  # a worker that waits, rather than one that spins on a restarting database
        enqueue(task.__name__, *args, attempt=attempt + 1)
        return None

    return wrapper
