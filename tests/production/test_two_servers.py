"""A citizen's and a clerk's conversation on two app servers and two worker clusters, every step on the
other server than the one before: nothing may live in one process's memory or on one server's disk.

Book and confirm (the check-your-answers step), join, wait (poll and heartbeat), the clerk starts, a document goes up
through one server and comes down through the other (from the object store), the identity provider's
callback and the payment provider's webhook arrive at the other server, the end, the feedback — and the
clusters deliver the mails and exactly one case record.
"""

import re
import time

import pytest
import requests

from tests.factories import make_pdf
from tests.production.conftest import HOST, METRICS_TOKEN, SEAT
from tests.production.services import log_path, wait_for
from tests.production.visitor import Visitor, location

pytestmark = pytest.mark.postgres

BOOK = "/digitale-balie/book/afvalkalender/"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def links_in(message) -> list[str]:
    text = "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    return [Visitor.path_of(url) for url in LINK.findall(text)]


def link(paths: list[str], route: str) -> str:
    found = [path for path in paths if f"/{route}/" in path]
    assert found, f"no {route} link among {paths}"
    return found[0]


#: The citizen's page of each kind of request, under the counter page.
ACTION_ROUTES = {"exchange_documents": "documents", "verify_identity": "verify", "request_payment": "pay"}


def action_page(citizen: Visitor, state_url: str, kind: str, *, server: int) -> str:
    """The newest request of ``kind`` the room's live state lists, as the citizen's page for it."""
    actions = [action for action in citizen.get(state_url, server=server).json()["actions"] if action["kind"] == kind]
    assert actions, f"no {kind} request in the room"
    return f"/digitale-balie/{ACTION_ROUTES[kind]}/{actions[-1]['id']}/"


def book(citizen: Visitor, email: str) -> tuple[str, str]:
    """The three booking steps (no JavaScript), each on the other server; returns the confirmation page's path
    and the booking request's id (``X-Request-ID``)."""
    times = citizen.get(BOOK, server=0)
    assert times.status_code == 200, times.text[:300]
    slot = re.search(r'type="radio" name="slot" value="([^"]+)"', times.text).group(1)
    form = citizen.get(f"{BOOK}details/?slot={slot}", server=1)
    assert form.status_code == 200
    time.sleep(3.1)  # people take longer than BOOKING_MIN_FILL_SECONDS; a form sent faster is shown again
    started = re.search(r'name="started" value="([^"]+)"', form.text).group(1)
    details = {"slot": slot, "started": started, "website": "", "channel": "video", "name": "An Peeters"}
    details |= {"email": email, "phone": "", "language": "nl", "question": "Mijn glascontainer"}
    check = citizen.get(location(citizen.submit(form, f"{BOOK}details/", details, server=0)), server=1)
    assert check.status_code == 200 and "An Peeters" in check.text
    key = re.search(r'name="key" value="([^"]+)"', check.text).group(1)
    booked = citizen.submit(check, f"{BOOK}check/", {"key": key}, server=0)
    return location(booked), booked.headers["X-Request-ID"]


def test_a_whole_conversation_alternating_between_two_app_servers(profile):
    citizen, clerk = Visitor(profile.servers, HOST), Visitor(profile.servers, HOST, address="198.51.100.20")
    email = "an.peeters@example.be"

    confirmation_page, booking_id = book(citizen, email)
    confirmation = citizen.get(confirmation_page, server=1)
    assert confirmation.status_code == 200 and "afspraak" in confirmation.text.lower()
    # A cluster mails the confirmation with the join link (whichever cluster took the task).
    [mail] = wait_for(lambda: profile.smtp.to(email), 60, "the confirmation mail")
    join = link(links_in(mail), "join")

    # Join: the link's page (changes nothing), the button on the other server, the room on the first.
    opened = citizen.get(join, server=0)
    assert opened.status_code == 200 and "data-balie-join" in opened.text
    room = location(citizen.submit(opened, join, server=1))
    session_id = int(re.search(r"/room/(\d+)/", room).group(1))
    assert citizen.get(room, server=0).status_code == 200
    state_url = f"/digitale-balie/live/room/{session_id}/"
    state = citizen.get(state_url, server=1)
    assert state.status_code == 200 and state.json()["status"] in ("expected", "waiting"), state.text
    assert citizen.post(f"{state_url}heartbeat/", server=0).status_code == 204
    unchanged = citizen.get(
        state_url, server=0, headers={"If-None-Match": citizen.get(state_url, server=1).headers["ETag"]}
    )
    assert unchanged.status_code == 304  # the other server knows the same version (Redis, not its memory)

    # The clerk logs in on one server and works on the other.
    login = clerk.get("/admin/login/", server=0)
    signed_in = clerk.submit(
        login, "/admin/login/", {"username": "baliemedewerker", "password": "balie-demo-2026"}, server=1
    )
    assert signed_in.status_code == 302 and "/login/" not in signed_in.headers["Location"]
    seats = clerk.get("/admin/digitale-balie/counter/", server=0)
    seat_id = int(
        re.search(rf'/admin/digitale-balie/counter/(\d+)/"[^>]*>[^<]*{re.escape(SEAT[:8])}', seats.text).group(1)
    )
    console_state = clerk.get(f"/digitale-balie/live/seat/{seat_id}/", server=1)
    assert console_state.status_code == 200
    waiting = [item for item in console_state.json()["sessions"] if item["id"] == session_id]
    assert waiting and waiting[0]["present"], console_state.json()  # the heartbeat reached the other server

    def command(name: str, server: int, **data):
        """A console command as the console's script sends it; its answer lists what the clerk is told."""
        url = f"/admin/digitale-balie/counter/{seat_id}/sessions/{session_id}/{name}/"
        data = {"csrfmiddlewaretoken": clerk.csrf_cookie(), **data}
        response = clerk.post(url, data, server=server, headers={"Accept": "application/json"})
        told = response.json()["messages"]
        assert response.status_code == 200 and all(m["level"] == "success" for m in told), (name, told)
        return response

    command("start", server=0)
    assert citizen.get(state_url, server=1).json()["status"] == "in_call"

    # A document: the clerk asks, the citizen uploads through one server, the clerk downloads through the other.
    command("action-exchange_documents", server=1)
    exchange_page = citizen.get(action_page(citizen, state_url, "exchange_documents", server=0), server=1)
    assert exchange_page.status_code == 200
    pdf = make_pdf()
    uploaded = citizen.request(
        "POST",
        f"/digitale-balie/documents/{session_id}/upload/",
        server=0,
        data={"csrfmiddlewaretoken": citizen.csrf_cookie()},
        files={"file": ("attest.pdf", pdf, "application/pdf")},
        headers={"Accept": "application/json"},
    )
    assert uploaded.status_code in (200, 201), uploaded.text[:500]
    assert profile.s3.keys(), "the document is not in the object store"
    console = clerk.get(f"/digitale-balie/live/seat/{seat_id}/", server=0).json()
    download = re.search(r"/digitale-balie/documents/file/(\d+)/", str(console)).group(0)
    downloaded = clerk.get(download, server=1)
    assert downloaded.status_code == 200 and downloaded.content == pdf

    # Identity: consent on one server, the provider's callback arrives at the other.
    command("action-verify_identity", server=0)
    verify = action_page(citizen, state_url, "verify_identity", server=1)
    consent = citizen.get(verify, server=0)
    assert consent.status_code == 200
    to_provider = citizen.submit(consent, verify, {"provider": "balie-fas"}, server=1)
    callback = profile.identity.authorize(to_provider.headers["Location"], account="jan")
    result = citizen.get(Visitor.path_of(callback), server=0)
    assert result.status_code == 302, result.text[:500]
    assert "u hebt getoond wie u bent" in citizen.get(location(result), server=1).text
    assert "Peeters" in clerk.get(f"/admin/digitale-balie/counter/{seat_id}/", server=0).text  # the clerk sees who

    # Payment: the bank confirms later; the provider's webhook reaches the other server.
    command("action-request_payment", server=1, amount="12,50", description="Attest", currency="EUR")
    pay = action_page(citizen, state_url, "request_payment", server=0)
    checkout = location(citizen.submit(citizen.get(pay, server=1), pay, server=0))
    payment_id = checkout.rstrip("/").rsplit("/", 1)[1]
    settled = citizen.submit(
        citizen.get(checkout, server=1), checkout, {"outcome": "pending", "method": "kbc"}, server=0
    )
    assert settled.status_code == 302
    time.sleep(9)  # the demo bank's "confirms later"
    assert citizen.post("/digitale-balie/callbacks/payments/demo/", {"id": payment_id}, server=1).status_code == 200
    assert "12,50" in citizen.get(pay + "result/", server=0).text

    # The end, the feedback, and what the clusters deliver afterwards.
    cases_before = set(profile.crm.stored)
    command("end", server=0, outcome="resolved", notes="Attest betaald en bezorgd.")
    assert citizen.get(state_url, server=1).json()["status"] == "ended"
    feedback = f"/digitale-balie/feedback/{session_id}/"
    survey = citizen.get(feedback, server=1)
    assert survey.status_code == 200 and 'name="satisfaction"' in survey.text
    thanks = citizen.submit(survey, feedback, {"ease": "5", "satisfaction": "4"}, server=0)
    assert thanks.status_code == 200 and 'name="satisfaction"' not in thanks.text
    again = citizen.get(feedback, server=1)  # answered once, on the other server: no second form
    assert again.status_code == 200 and 'name="satisfaction"' not in again.text
    wait_for(lambda: set(profile.crm.stored) - cases_before, 90, "the case record at the CRM")
    [key] = set(profile.crm.stored) - cases_before
    assert profile.crm.requests.count(key) == 1  # delivered once

    # The booking request's id is on the cluster's log line of the confirmation mail it enqueued (JSON logs).
    assert any(booking_id in log_path(cluster.name).read_text() for cluster in profile.clusters), booking_id


def test_every_server_answers_the_probes_and_sees_both_clusters(profile):
    """The load balancer's probe over plain HTTP with its own Host header, and Prometheus' scrape with its
    token: each app server sees the same two clusters' heartbeats (kept in Redis, not in its memory)."""
    for server in profile.servers:
        assert requests.get(server.url + "/digitale-balie/health/live", timeout=10).status_code == 200
        ready = requests.get(server.url + "/digitale-balie/health/ready", headers={"Host": "10.0.0.7"}, timeout=10)
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["status"] == "ok" and body["checks"]["workers"]["status"] == "ok", body
        metrics = Visitor(profile.servers, HOST).get(
            "/digitale-balie/metrics",
            server=profile.servers.index(server),
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        )
        assert metrics.status_code == 200 and "balie_worker_clusters" in metrics.text
        assert re.search(r"^balie_worker_clusters(\{[^}]*\})? 2(\.0)?$", metrics.text, re.M), metrics.text[:2000]
