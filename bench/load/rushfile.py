"""The booking rush of ``bench/load.py`` for locust: citizens who open one service's booking page at the same
moment and book, many the same time, without JavaScript (the three steps of the plain HTML forms), each request
to the next app server in turn (no sticky sessions: whatever one server kept to itself would be missing).

    BALIE_LOAD_RUSH=rush.json BALIE_LOAD_SERVERS=http://127.0.0.1:8001,http://127.0.0.1:8002 \\
        locust -f bench/load/rushfile.py --headless -u 200 -r 200 --host http://127.0.0.1:8001

Each citizen books once: a time picked at random from the page's list; after the form's minimum fill time
(``BOOKING_MIN_FILL_SECONDS``) the details, then "check your details" and "book". The outcome of each — booked
(303 to the confirmation), refused (409: the time was taken meanwhile) or an error — is written to
``BALIE_LOAD_OUTCOMES`` when locust stops.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import secrets
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

from bench.load.measure import count_queries  # noqa: F401 - registers the listeners of what is measured

RUSH = json.loads(Path(os.environ["BALIE_LOAD_RUSH"]).read_text())
SERVERS = os.environ["BALIE_LOAD_SERVERS"].split(",")
HOST = os.environ.get("BALIE_LOAD_HOST", "balie.test")
#: How long each citizen takes to fill in the form: a random time between the two (seconds). The booking form
#: refuses one sent faster than ``BOOKING_MIN_FILL_SECONDS`` (3): "3.2,3.2" is a crowd of scripts.
FILL_SECONDS = [float(seconds) for seconds in os.environ.get("BALIE_LOAD_FILL_SECONDS", "5,45").split(",")]
SLOT = re.compile(r'type="radio" name="slot" value="([^"]+)"')
FIELD = re.compile(r'name="(csrfmiddlewaretoken|started|key)" value="([^"]*)"')

outcomes: collections.Counter = collections.Counter()
_numbers = itertools.count(1)


class Rusher(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        number = next(_numbers)
        self.address = f"198.18.{number // 250}.{number % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.turn = secrets.randbelow(len(SERVERS))

    @task
    def book(self):
        try:
            outcome = self.journey()
        except Exception as exc:  # noqa: BLE001 - counted, never lost: a journey that broke is an error of the rush
            outcome = f"error ({type(exc).__name__}: {str(exc)[:80]})"
        outcomes[outcome] += 1
        raise StopUser()

    def journey(self) -> str:
        times = self.request("GET", RUSH["path"], "rush: times")
        offered = SLOT.findall(times.text)
        if times.status_code != 200 or not offered:
            return "error"
        slot = secrets.choice(offered)
        form = self.request("GET", f"{RUSH['path']}details/?slot={slot}", "rush: form")
        if form.status_code == 409:
            return "refused"
        if form.status_code != 200:
            return "error"
        shortest, longest = FILL_SECONDS
        gevent.sleep(shortest + (longest - shortest) * secrets.randbelow(1000) / 1000)
        fields = dict(FIELD.findall(form.text))
        number = self.address.replace(".", "-")
        details = {
            **fields,
            "slot": slot,
            "website": "",
            "channel": "video",
            "name": f"Rusher {number}",
            "email": f"rusher-{number}@example.org",
            "phone": "",
            "language": "nl",
            "question": "",
        }
        sent = self.request("POST", f"{RUSH['path']}details/", "rush: details", data=details)
        if sent.status_code != 303:
            return "error"
        check = self.request("GET", sent.headers["Location"], "rush: check")
        fields = dict(FIELD.findall(check.text))
        if check.status_code != 200 or "key" not in fields:
            return "error"
        booked = self.request("POST", f"{RUSH['path']}check/", "rush: book", data=fields)
        return {303: "booked", 409: "refused"}.get(booked.status_code, "error")

    def request(self, method: str, url: str, name: str, data=None):
        """One request as the TLS proxy passes it on, to the next server; cookies kept by hand (``__Host-``)."""
        parts = urlsplit(unescape(url))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        if method == "POST":
            headers |= {"Origin": f"https://{HOST}", "Referer": f"https://{HOST}{path}"}
        self.turn += 1
        server = SERVERS[self.turn % len(SERVERS)]
        for attempt in (1, 2):
            with self.client.request(
                method,
                server + path,
                name=name,
                data=data,
                headers=headers,
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code in (200, 303, 409):
                    answer.success()  # a 409 is the rush's expected refusal: a time taken meanwhile
                elif answer.status_code == 0 and attempt == 1:
                    # No answer at all: the server closed the kept-alive connection (5 s idle) as the request
                    # left. A browser sends it once more on a new connection; so does this one (the first try
                    # stays a failure in locust's figures).
                    outcomes["resent on a new connection"] += 1
                    continue
                for header in answer.raw.headers.getlist("Set-Cookie") if answer.raw is not None else ():
                    for key, morsel in SimpleCookie(header).items():
                        self.cookies[key] = morsel.value
            break
        return answer


@events.quitting.add_listener
def _write_outcomes(**_kwargs):
    if path := os.environ.get("BALIE_LOAD_OUTCOMES"):
        Path(path).write_text(json.dumps(outcomes))
