"""One id per request, on every log line it causes: in the app server, and in the worker that runs its tasks.

Where the id comes from: the reverse proxy's ``X-Request-ID`` when it looks like an id (bounded length, a plain
charset: nothing a log line could be forged with), otherwise a new one from ``secrets``. It lives in a context
variable for the length of the request; ``RequestIdFilter`` copies it onto every log record; the response carries
it back (``X-Request-ID``), so a citizen's "it went wrong at 10:42" can be found in the logs of all servers.

Tasks: django-q2 pickles a task dict and hands it to another process. ``stamp_task`` (``pre_enqueue``) writes the
id into that dict, ``enter_task`` (``pre_execute``, in the worker) sets it for the task's run, ``leave_task``
(``post_execute_in_worker``) restores what was there. No task signature changes; ``apps.py`` connects them.
This module imports neither models nor ``django_q.signals`` (which loads models): logging configuration imports
the filter before the apps are ready.

Put the middleware near the top of ``MIDDLEWARE`` (after the health middleware) and the filter on the handlers::

    "filters": {"request_id": {"()": "digitale_balie_plugin.request_id.RequestIdFilter"}},
"""

from __future__ import annotations

import logging
import re
import secrets
from contextvars import ContextVar, Token

from digitale_balie_plugin.conf import app_settings

#: What a request id from the proxy may look like: nginx's ``$request_id`` (32 hex), a UUID, a ULID, …
SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")
RESPONSE_HEADER = "X-Request-ID"
#: The key in django-q2's task dict (the dict is pickled with the task, so the id travels with it).
TASK_KEY = "digitale_balie_request_id"
#: Shown in a log line that belongs to no request (a scheduled task, a management command).
NONE = "-"
DISPATCH_UID = "digitale_balie_request_id"

_current: ContextVar[str | None] = ContextVar("digitale_balie_request_id", default=None)
#: The worker's tokens to restore after a task, by task id (one worker process runs one task at a time).
_in_task: dict[str, Token] = {}


def current() -> str | None:
    """The id of the request (or task) being handled, ``None`` outside one."""
    return _current.get()


def new() -> str:
    return secrets.token_hex(16)


def from_proxy(value: str | None) -> str | None:
    """The proxy's id if it looks like one; anything else is dropped (a new id is made instead)."""
    return value if value and SANE.fullmatch(value) else None


class RequestIdMiddleware:
    """Sets the request's id for its handling and sends it back in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = app_settings.REQUEST_ID_HEADER
        request_id = (from_proxy(request.META.get(header)) if header else None) or new()
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[RESPONSE_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``"-"`` outside a request), for ``%(request_id)s`` and JSON logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or NONE
        return True


def stamp_task(sender, task: dict, **kwargs) -> None:
    """``pre_enqueue``: the id of the request that enqueues the task goes into the task dict."""
    if request_id := _current.get():
        task[TASK_KEY] = request_id


def enter_task(sender, task: dict, **kwargs) -> None:
    """``pre_execute`` (in the worker): the task runs under the id it was enqueued with (or none)."""
    _in_task[task["id"]] = _current.set(from_proxy(task.get(TASK_KEY)))


def leave_task(sender, task: dict, **kwargs) -> None:
    """``post_execute_in_worker``: back to what was there before (nothing in a cluster's worker)."""
    token = _in_task.pop(task["id"], None)
    if token is not None:
        _current.reset(token)
