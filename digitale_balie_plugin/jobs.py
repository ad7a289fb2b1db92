"""Background work, enqueued by name once the transaction commits.

Services never import ``tasks.py`` (the tasks import the services): they name the task here, and
django-q2 imports it in the worker. Enqueuing on commit means a worker never sees rolled-back rows,
and a rollback sends nothing. Tasks take primary keys, never model instances.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_q.tasks import async_task

#: Where the ``*_task`` functions live; the worker imports them from there.
TASKS_MODULE = "digitale_balie_plugin.tasks"
GROUP = "digitale_balie"


def enqueue(task_name: str, *args) -> None:
    """Queue ``tasks.<task_name>(*args)`` now (call it only outside a transaction, or use ``enqueue_on_commit``)."""
    async_task(f"{TASKS_MODULE}.{task_name}", *args, group=GROUP)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue ``tasks.<task_name>(*args)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task_name, *args))
