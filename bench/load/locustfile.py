"""The browsers of ``bench/load.py`` for locust: waiting citizens and clerks at their real pace (open loop:
``constant_pacing``, so a slow answer does not slow the offered load), or — with ``BALIE_LOAD_FLOOR=1`` — the
same browsers asking the bare floor view at the same pace instead (the floor at the same load).

    BALIE_LOAD_CROWD=crowd.json BALIE_LOAD_CITIZENS=500 BALIE_LOAD_CLERKS=50 \\
        locust -f bench/load/locustfile.py --headless -u 550 -r 100 -t 60s --host http://127.0.0.1:8000

Every request carries what the city's TLS proxy adds (Host, X-Forwarded-Proto/For), so the servers see HTTPS
and the ``__Host-`` cookies the seed wrote down.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import time
from pathlib import Path

from locust import FastHttpUser, constant_pacing, task

from bench.load.measure import count_queries  # noqa: F401 - registers the listeners of what is measured

CROWD = json.loads(Path(os.environ["BALIE_LOAD_CROWD"]).read_text())
HOST = os.environ.get("BALIE_LOAD_HOST", "balie.test")
FLOOR = os.environ.get("BALIE_LOAD_FLOOR") == "1"
POLL_SECONDS, HEARTBEAT_SECONDS, CONSOLE_SECONDS = 3, 10, 3
PROXY = {"Host": HOST, "X-Forwarded-Proto": "https"}

_citizens = itertools.cycle(CROWD["citizens"])
_clerks = itertools.cycle(CROWD["clerks"])


class Citizen(FastHttpUser):
    """One waiting room: its state every 3 s (If-None-Match), a heartbeat every 10 s."""

    fixed_count = int(os.environ.get("BALIE_LOAD_CITIZENS", "0"))
    wait_time = constant_pacing(POLL_SECONDS)

    def on_start(self):
        me = next(_citizens)
        csrf = secrets.token_hex(16)
        self.state_url = f"/digitale-balie/live/room/{me['session']}/"
        cookies = f"{me['cookie']}={me['token']}; {CROWD['csrf_cookie']}={csrf}"
        self.headers = {
            **PROXY,
            "Cookie": cookies,
            "X-Forwarded-For": f"198.51.{len(me['token']) % 250}.{me['session'] % 250}",
        }
        self.beat_headers = {**self.headers, "X-CSRFToken": csrf, "Origin": f"https://{HOST}"}
        self.etag, self.last_beat = "", 0.0
        self.beat()
        self.poll()

    @task
    def tick(self):
        if time.monotonic() - self.last_beat >= HEARTBEAT_SECONDS:
            self.beat()
        self.poll()

    def poll(self):
        if FLOOR:
            self.client.get("/bench-floor/", headers=self.headers, name="floor (citizen poll)")
            return
        headers = {**self.headers, "If-None-Match": self.etag} if self.etag else self.headers
        with self.client.get(self.state_url, headers=headers, name="citizen poll", catch_response=True) as answer:
            if answer.status_code in (200, 304):
                self.etag = answer.headers.get("ETag", self.etag)
                answer.success()

    def beat(self):
        self.last_beat = time.monotonic()
        if FLOOR:
            self.client.get("/bench-floor/", headers=self.headers, name="floor (heartbeat)")
            return
        self.client.post(self.state_url + "heartbeat/", headers=self.beat_headers, name="heartbeat")


class Clerk(FastHttpUser):
    """One counter seat's console: its state every 3 s, with the poll token of the last full answer."""

    fixed_count = int(os.environ.get("BALIE_LOAD_CLERKS", "0"))
    wait_time = constant_pacing(CONSOLE_SECONDS)

    def on_start(self):
        me = next(_clerks)
        self.url = f"/digitale-balie/live/seat/{me['seat']}/"
        self.headers = {
            **PROXY,
            "Cookie": f"{CROWD['session_cookie']}={me['session']}",
            "X-Forwarded-For": "192.0.2.10",
        }
        self.etag, self.token = "", ""

    @task
    def poll(self):
        if FLOOR:
            self.client.get("/bench-floor/", headers=self.headers, name="floor (clerk poll)")
            return
        headers = dict(self.headers)
        if self.etag:
            headers |= {"If-None-Match": self.etag, "X-Balie-Poll": self.token}
        with self.client.get(self.url, headers=headers, name="clerk poll", catch_response=True) as answer:
            if answer.status_code == 200:
                self.etag = answer.headers.get("ETag", "")
                self.token = answer.json().get("poll_token", "")
            if answer.status_code in (200, 304):
                answer.success()
