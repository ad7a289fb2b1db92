"""The request id: from the proxy when it looks like one, on every log line, back in the response, and into
the tasks the request enqueues — across the broker, as the cluster's worker receives them."""

from __future__ import annotations

import json
import logging
from multiprocessing import Queue, Value

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_q.brokers import get_broker
from django_q.signals import pre_enqueue
from django_q.signing import SignedPackage
from django_q.tasks import async_task
from django_q.worker import worker
from pythonjsonlogger.json import JsonFormatter

from digitale_balie_plugin import request_id
from digitale_balie_plugin.request_id import RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db

logger = logging.getLogger("digitale_balie.tests.request_id")
NGINX_ID = "0f6c2b9e4d1a47c8b3e5a9d2c7f10e64"


class Records(logging.Handler):
    """Keeps the records, with the filter the example settings put on the console handler."""

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = Records()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)


def logging_task(text: str) -> str:
    """What a task of ours does: logs (``tests.operations.test_request_id.logging_task``)."""
    logger.info("task says %s", text)
    return text


def through_middleware(view, **meta) -> HttpResponse:
    return RequestIdMiddleware(view)(RequestFactory().get("/", **meta))


def test_every_response_carries_a_new_id():
    first, second = Client().get("/digitale-balie/identity/jwks.json"), Client().get("/digitale-balie/language/")
    assert len(first["X-Request-ID"]) == 32 and int(first["X-Request-ID"], 16) >= 0
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (NGINX_ID, True),
        ("7c9e6679-7425-40de-944b-e07fc1f90ae7", True),
        ("short", False),
        ("x" * 129, False),
        ("abc def ghi", False),
        ("abcdefgh\nINFO forged line", False),
        ('abcdefgh"}', False),
    ],
)
def test_the_proxys_id_is_taken_only_when_it_looks_like_one(sent, kept):
    response = through_middleware(lambda request: HttpResponse(), HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    assert request_id.SANE.fullmatch(response["X-Request-ID"])


def test_the_header_can_be_switched_off(settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "REQUEST_ID_HEADER": ""}
    response = through_middleware(lambda request: HttpResponse(), HTTP_X_REQUEST_ID=NGINX_ID)
    assert response["X-Request-ID"] != NGINX_ID


def test_log_lines_of_the_request_carry_its_id_and_others_a_dash(records):
    def view(request):
        logger.info("in the view")
        return HttpResponse()

    through_middleware(view, HTTP_X_REQUEST_ID=NGINX_ID)
    logger.info("after the request")
    assert [(record.getMessage(), record.request_id) for record in records] == [
        ("in the view", NGINX_ID),
        ("after the request", "-"),
    ]
    assert request_id.current() is None


def queued() -> list:
    """Every package in the broker, signed and pickled, as the cluster's pusher takes them (``Conf.BULK`` a time)."""
    broker, packages = get_broker(), []
    while taken := broker.dequeue():
        packages += [package for _pk, package in taken]
    return packages


def run_in_worker(packages: list) -> None:
    """The cluster's worker loop (``django_q.worker.worker``), in this process, on packages from the broker."""
    tasks, results = Queue(), Queue()
    for package in packages:
        tasks.put(SignedPackage.loads(package))
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    for _package in packages:
        assert results.get(timeout=10)["success"]


def test_a_task_logs_with_the_id_of_the_request_that_enqueued_it(records, frozen_now):
    def view(request):
        async_task(f"{__name__}.logging_task", "hello", sync=False)
        return HttpResponse()

    response = through_middleware(view, HTTP_X_REQUEST_ID=NGINX_ID)
    assert response["X-Request-ID"] == NGINX_ID
    async_task(f"{__name__}.logging_task", "scheduled", sync=False)  # outside any request: a scheduled task
    assert request_id.current() is None  # the request is over: only the task dict still knows the id
    frozen_now.shift(1)  # the ORM broker hands out tasks enqueued before now
    run_in_worker(queued())
    assert [(record.getMessage(), record.request_id) for record in records] == [
        ("task says hello", NGINX_ID),
        ("task says scheduled", "-"),  # not the id of the task before it
    ]
    assert request_id.current() is None  # the worker is back to no id after each task


def test_without_the_stamp_the_id_would_be_lost(records, frozen_now):
    """The test above fails for the right reason: a context variable does not cross the broker by itself."""
    pre_enqueue.disconnect(dispatch_uid=request_id.DISPATCH_UID)
    try:
        through_middleware(
            lambda request: async_task(f"{__name__}.logging_task", "lost", sync=False) and HttpResponse(),
            HTTP_X_REQUEST_ID=NGINX_ID,
        )
    finally:
        pre_enqueue.connect(request_id.stamp_task, dispatch_uid=request_id.DISPATCH_UID)
    frozen_now.shift(1)
    run_in_worker(queued())
    assert [record.request_id for record in records] == ["-"]


def test_a_task_run_inline_keeps_the_requests_id_after_it(records):
    """Sync mode (tests, ``make demo``): the worker runs in the request's thread, and must give the id back."""

    def view(request):
        async_task(f"{__name__}.logging_task", "inline", sync=True)
        logger.info("after the task")
        return HttpResponse()

    through_middleware(view, HTTP_X_REQUEST_ID=NGINX_ID)
    assert [record.request_id for record in records] == [NGINX_ID, NGINX_ID]


def test_the_json_format_of_the_example_settings(records):
    options = dict(django_settings.LOGGING["formatters"]["json"])
    assert options.pop("()") == "pythonjsonlogger.json.JsonFormatter"
    formatter = JsonFormatter(**options)
    through_middleware(
        lambda request: logger.warning("Payment %s failed.", "R-1") or HttpResponse(), HTTP_X_REQUEST_ID=NGINX_ID
    )
    line = json.loads(formatter.format(records[0]))
    assert line["request_id"] == NGINX_ID
    assert line["message"] == "Payment R-1 failed."
    assert line["level"] == "WARNING" and line["logger"] == "digitale_balie.tests.request_id"
    assert "time" in line
