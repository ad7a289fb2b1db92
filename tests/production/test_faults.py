"""Faults a city's first day can bring, on the production profile: nothing is lost, everything recovers.

- A django-q2 cluster killed (SIGKILL) while 1,000 reminders are due and case records wait for the CRM.
- An app server restarted during a call.
- Redis restarted (cache, presence, broker).
- PostgreSQL stopped for 10 seconds.
"""

import json
import re
import time
from collections import Counter

import pytest
import requests

from tests.production.conftest import HOST
from tests.production.seed import REMINDER_ADDRESS
from tests.production.services import Cluster, wait_for
from tests.production.test_two_servers import book, link, links_in
from tests.production.visitor import Visitor, location

pytestmark = pytest.mark.postgres

REMINDERS = 1000
CASES = 20


def seed(profile, call: str) -> str:
    return profile.script(f"from tests.production import seed; print(seed.{call})")


def test_a_killed_cluster_loses_no_reminder_and_no_case_record(profile):
    pks = seed(profile, f"due_reminders({REMINDERS})")
    seed(profile, "run_sweeps()")  # the schedule's run: one reminder task per appointment, shared by both clusters
    wait_for(lambda: len(profile.smtp.messages) > 150, 120, "the first reminders leaving")
    keys = json.loads(seed(profile, f"ended_conversations({CASES})"))  # their deliveries are queued now
    victim = profile.clusters[0]
    victim.kill()  # SIGKILL to the sentinel and its workers: the tasks they held are gone with them
    killed_at = len(profile.smtp.messages)

    def delivered() -> bool:
        """Every reminder and case record sent (so none is left "being sent" either)."""
        figures = json.loads(seed(profile, f"counts('{pks}')"))
        return figures["reminders"] == {"sent": REMINDERS} and figures["cases"].get("sent") == CASES

    # The other cluster goes on alone; a new one takes the dead one's place (as systemd restarts it).
    profile.clusters[0] = Cluster("cluster1", profile.environment)
    profile.clusters[0].start()
    wait_for(lambda: _queue_empty(profile), 300, "the queue emptying")
    time.sleep(2)
    # Ten minutes later (the claims a killed worker left look that old), the schedules run again.
    seed(profile, "time_passes(11)")
    seed(profile, "run_sweeps()")
    wait_for(delivered, 300, "every reminder and case record delivered")

    # Exactly once, as the citizens' mailboxes see it: one message (one Message-ID) per appointment.
    reminders = [m for m in profile.smtp.messages if m["To"] and m["To"].startswith("herinnering-")]
    per_recipient = Counter(m["To"] for m in reminders)
    ids_per_recipient = {to: {m["Message-ID"] for m in reminders if m["To"] == to} for to in per_recipient}
    assert set(per_recipient) == {REMINDER_ADDRESS.format(n=n) for n in range(REMINDERS)}
    assert all(len(ids) == 1 for ids in ids_per_recipient.values())
    copies = sum(per_recipient.values()) - REMINDERS
    print(f"reminders: {REMINDERS} delivered, {copies} repeated copies (same Message-ID), {killed_at} before the kill")
    # The CRM stored each case once (it dedupes on the idempotency key a repeated delivery carries again).
    assert sorted(profile.crm.stored) == sorted(keys)


def _queue_empty(profile) -> bool:
    return seed(profile, "queue_length()") == "0"


def in_a_call(profile):
    """A citizen in the waiting room and a clerk who started the call: (citizen, clerk, state url, command)."""
    citizen, clerk = Visitor(profile.servers, HOST), Visitor(profile.servers, HOST, address="198.51.100.30")
    email = f"storing-{time.monotonic_ns()}@example.be"
    citizen.get(book(citizen, email)[0], server=1)
    [mail] = wait_for(lambda: profile.smtp.to(email), 60, "the confirmation mail")
    join = link(links_in(mail), "join")
    room = location(citizen.submit(citizen.get(join, server=0), join, server=1))
    session_id = int(re.search(r"/room/(\d+)/", room).group(1))
    state_url = f"/digitale-balie/live/room/{session_id}/"
    citizen.post(f"{state_url}heartbeat/", server=0)
    login = clerk.get("/admin/login/", server=0)
    clerk.submit(login, "/admin/login/", {"username": "baliemedewerker", "password": "balie-demo-2026"}, server=1)
    seat_id = int(seed(profile, "seat_id()"))
    start = f"/admin/digitale-balie/counter/{seat_id}/sessions/{session_id}/start/"
    assert clerk.post(start, {"csrfmiddlewaretoken": clerk.csrf_cookie()}, server=0).status_code == 302
    return citizen, clerk, state_url, f"/digitale-balie/live/seat/{seat_id}/", session_id


def test_an_app_server_restarted_during_a_call_loses_nothing(profile):
    citizen, clerk, state_url, console_url, session_id = in_a_call(profile)
    before = citizen.get(state_url, server=0).json()
    assert before["status"] == "in_call"

    server = profile.servers[0]
    server.stop()  # SIGTERM: running requests finish; new ones are refused until it is back
    with pytest.raises(requests.ConnectionError):
        citizen.get(state_url, server=0)  # the page's poll fails; it tries again on the next beat
    assert citizen.get(state_url, server=1).json()["status"] == "in_call"  # the other server carries on
    server.start()
    after = citizen.get(state_url, server=0)
    assert after.status_code == 200 and after.json()["status"] == "in_call"  # the same cookie, the same call
    assert after.json()["actions"] == before["actions"]
    console = clerk.get(console_url, server=0)
    assert console.status_code == 200 and any(item["id"] == session_id for item in console.json()["sessions"])


def test_redis_restarted_presence_and_live_updates_recover_within_one_poll(profile):
    citizen, clerk, state_url, console_url, session_id = in_a_call(profile)
    statuses = Counter()
    profile.redis.stop()
    for server in (0, 1):  # while Redis is away: polls and heartbeats answer, never with a 500
        statuses[citizen.get(state_url, server=server).status_code] += 1
        statuses[citizen.post(f"{state_url}heartbeat/", server=server).status_code] += 1
        statuses[clerk.get(console_url, server=server).status_code] += 1
    profile.redis.start()
    assert not any(code >= 500 and code != 503 for code in statuses), statuses
    # Within one poll interval (3 s) the live state and the presence are back.
    time.sleep(3)
    citizen.post(f"{state_url}heartbeat/", server=0)
    assert citizen.get(state_url, server=1).json()["status"] == "in_call"
    console = clerk.get(console_url, server=1).json()
    assert any(item["id"] == session_id and item["present"] for item in console["sessions"]), console
    print(f"answers while Redis was away: {dict(statuses)}")


def test_postgres_stopped_for_ten_seconds_gives_a_friendly_503_and_recovers(profile):
    citizen = Visitor(profile.servers, HOST)
    french = Visitor(profile.servers, HOST)
    assert citizen.get("/digitale-balie/", server=0).status_code == 200
    profile.postgres.stop()
    try:
        down_at = time.monotonic()
        dutch_page = citizen.get("/digitale-balie/", server=0)
        french_page = french.get("/fr/digitale-balie/", server=1)
        assert dutch_page.status_code == 503 and french_page.status_code == 503
        assert "Retry-After" in dutch_page.headers
        assert 'lang="nl"' in dutch_page.text and 'lang="fr"' in french_page.text
        assert "Traceback" not in dutch_page.text + french_page.text
        time.sleep(max(0.0, 10 - (time.monotonic() - down_at)))
    finally:
        profile.postgres.start()
    # Everything recovers by itself: no restart of app servers or clusters.
    wait_for(lambda: citizen.get("/digitale-balie/", server=0).status_code == 200, 30, "server 1 serving again")
    wait_for(lambda: citizen.get("/digitale-balie/", server=1).status_code == 200, 30, "server 2 serving again")
    assert all(process.alive() for process in profile.clusters)
