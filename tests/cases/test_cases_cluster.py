"""Exactly one stored case record when a real django-q2 worker is killed in the middle of a delivery.

A qcluster runs in a subprocess on the test's PostgreSQL database (ORM broker); the receiver is a local HTTP
server that verifies the signature and stores each idempotency key once. The first delivery is held open,
the cluster is killed with SIGKILL while it waits, a second cluster starts, the sweep hands the record back
and sends it again with the same key: the receiver got two requests and stored one case.
"""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django_q.tasks import async_task

from digitale_balie_plugin.models import CaseRecord, CaseStatus
from tests.conftest import require

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cluster-test-secret-" + "x" * 32
LOG = Path(tempfile.gettempdir()) / "balie-test-qcluster.log"  # what the clusters said, for a failing run


class Receiver(BaseHTTPRequestHandler):
    requests: list = []
    stored: dict = {}
    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(part.split("=", 1) for part in self.headers["X-Balie-Signature"].split(","))
        expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(parts["v1"], expected)
        key = self.headers["Idempotency-Key"]
        Receiver.requests.append(key)
        Receiver.stored.setdefault(key, json.loads(body))  # a key seen before is not stored again
        if len(Receiver.requests) == 1:
            Receiver.arrived.set()
            Receiver.release.wait(30)  # the worker is killed while it waits for this answer
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"reference": "CRM-1"}')
        except OSError:
            pass  # the killed worker's connection is gone

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def frozen_now():
    """Real time here: the clusters run in other processes, on the real clock (the broker's locks are times)."""
    yield None


def start_cluster(url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings.test",
        "BALIE_Q_SYNC": "0",
        "BALIE_TEST_DB_NAME": connection.settings_dict["NAME"],
        "BALIE_TEST_CRM_URL": url,
        "BALIE_TEST_CRM_SECRET": SECRET,
        "BALIE_CASE_STALE_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster", "--skip-checks"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=open(LOG, "ab"),
        stderr=subprocess.STDOUT,
    )


def kill(cluster: subprocess.Popen) -> None:
    os.killpg(cluster.pid, signal.SIGKILL)
    cluster.wait(10)


def wait_until(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_delivery_still_gives_exactly_one_stored_case(phone_session, clerk):
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (set BALIE_TEST_POSTGRES)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/cases"
    from digitale_balie_plugin.cases.service import payload

    case = CaseRecord.objects.create(session=phone_session, provider="webhook")
    CaseRecord.objects.filter(pk=case.pk).update(payload=payload(phone_session, case.idempotency_key))

    first = start_cluster(url)
    try:
        async_task("digitale_balie_plugin.tasks.deliver_case_task", case.pk, sync=False)
        assert Receiver.arrived.wait(60), "the first cluster never delivered"
        assert CaseRecord.objects.get(pk=case.pk).status == CaseStatus.SENDING
    finally:
        kill(first)
    Receiver.release.set()
    time.sleep(1.5)  # longer than CASE_STALE_SENDING in the clusters (1 s)

    second = start_cluster(url)
    try:
        async_task("digitale_balie_plugin.tasks.deliver_due_cases_task", sync=False)
        assert wait_until(lambda: CaseRecord.objects.get(pk=case.pk).status == CaseStatus.SENT, 60)
    finally:
        kill(second)
        server.shutdown()
    assert Receiver.requests == [case.idempotency_key, case.idempotency_key]
    assert list(Receiver.stored) == [case.idempotency_key]  # exactly one stored case
