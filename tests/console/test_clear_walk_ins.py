"""The clerk clears a flood of walk-in tickets at once: confirmation first, audit-logged, the citizens told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.models import AuditEvent, CallSession, SessionStatus
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import SeatFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk_in_page(counter_page):
    counter_page.body = [("video_room", {"heading": "Praat nu met ons", "intro": "", "services": []})]
    counter_page.save_revision().publish()
    return counter_page


def take_tickets(page, service, names, first_address=1):
    """Each citizen takes a ticket in a browser of their own; returns (browser, session) pairs."""
    taken = []
    for n, name in enumerate(names, start=first_address):
        browser = Client(REMOTE_ADDR=f"198.51.100.{n}")
        data = {"service": service.pk, "name": name, "contact": "0470123456"}
        assert browser.post(page.url + "walk-in/", data).status_code == 302
        taken.append((browser, CallSession.objects.get(citizen_name=name)))
    return taken


def clear_url(seat):
    return reverse("digitale_balie_clear_walk_ins", args=[seat.pk])


def state(browser, session):
    return browser.get(reverse("digitale_balie:room_state", args=[session.pk])).json()


def test_the_clerk_removes_the_flood_after_confirming_and_the_citizens_see_it_ended(
    walk_in_page, service, seat, clerk, frozen_now
):
    frozen_now.move_to(at(7, 9, 30))
    [(early_browser, early)] = take_tickets(walk_in_page, service, ["Vroeg"])
    frozen_now.move_to(at(7, 10))
    flood = take_tickets(walk_in_page, service, [f"Spam {n}" for n in range(6)], first_address=10)
    desk = clerk_client_for_seat(seat, clerk)
    console = desk.get(reverse("digitale_balie_console", args=[seat.pk])).content.decode()
    assert "Wachtenden zonder afspraak verwijderen" in console  # "Remove waiting walk-ins"

    preview = desk.get(clear_url(seat), {"since": "09:45"})  # the confirmation step changes nothing
    assert preview.status_code == 200 and list(preview.context["tickets"]) == [session for _, session in flood]
    assert 'value="09:45"' in preview.content.decode() and "Vroeg" not in preview.content.decode()
    assert CallSession.objects.filter(status=SessionStatus.WAITING).count() == 7

    frozen_now.move_to(at(7, 10, 5))
    [(late_browser, late)] = take_tickets(walk_in_page, service, ["Na het nakijken"], first_address=30)
    done = desk.post(clear_url(seat), {"since": "09:45", "until": preview.context["until"].isoformat()})
    assert done.status_code == 302 and done["Location"] == reverse("digitale_balie_console", args=[seat.pk])

    removed = [session.pk for _, session in flood]
    assert set(CallSession.objects.filter(status=SessionStatus.NO_SHOW).values_list("pk", flat=True)) == set(removed)
    events = AuditEvent.objects.filter(action="session.cleared")
    assert sorted(int(event.object_id) for event in events) == sorted(removed)
    assert {event.actor_id for event in events} == {clerk.pk}
    for browser, session in flood:
        assert state(browser, session)["ended"] is True
        page = browser.get(walk_in_page.url + f"room/{session.pk}/")
        assert page.status_code == 200 and page.context["state"]["ended"] is True
    assert "nummer 1" in state(early_browser, early)["headline"]  # not in the window: still waiting, first
    assert "nummer 2" in state(late_browser, late)["headline"]  # arrived after the confirmation: stays


def test_without_a_time_every_waiting_walk_in_goes_but_no_one_in_a_call(walk_in_page, service, seat, clerk, frozen_now):
    frozen_now.move_to(at(7, 10))
    taken = take_tickets(walk_in_page, service, ["Een", "Twee", "Drie"])
    desk = clerk_client_for_seat(seat, clerk)
    desk.post(reverse("digitale_balie_session_command", args=[seat.pk, taken[0][1].pk, "start"]))
    assert desk.post(clear_url(seat), {"since": ""}).status_code == 302
    statuses = dict(CallSession.objects.values_list("citizen_name", "status"))
    assert statuses == {"Een": SessionStatus.IN_CALL, "Twee": SessionStatus.NO_SHOW, "Drie": SessionStatus.NO_SHOW}


def test_another_seats_clerk_cannot_clear_this_queue(walk_in_page, service, seat, clerk, django_user_model, frozen_now):
    frozen_now.move_to(at(7, 10))
    take_tickets(walk_in_page, service, ["Een", "Twee"])
    other_seat = SeatFactory(services_for=service)
    other_clerk = django_user_model.objects.create_user("els", password="pw", first_name="Els")
    other_desk = clerk_client_for_seat(other_seat, other_clerk)
    assert other_desk.get(clear_url(seat)).status_code == 404
    assert other_desk.post(clear_url(seat), {"since": ""}).status_code == 404
    assert other_desk.post(clear_url(other_seat), {"since": ""}).status_code == 302  # their own: nothing there
    anonymous = Client().post(clear_url(seat), {"since": ""})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert CallSession.objects.filter(status=SessionStatus.WAITING).count() == 2
    assert not AuditEvent.objects.filter(action="session.cleared").exists()


def test_nonsense_times_change_nothing(walk_in_page, service, seat, clerk, frozen_now):
    frozen_now.move_to(at(7, 10))
    take_tickets(walk_in_page, service, ["Een"])
    desk = clerk_client_for_seat(seat, clerk)
    for since, until in [("25:99", ""), ("\x00", ""), ("10:00", "99999-01-01T00:00"), ("1e9", "nope")]:
        answer = desk.post(clear_url(seat), {"since": since, "until": until})
        assert answer.status_code == 302, (since, until)
        assert desk.get(clear_url(seat), {"since": since}).status_code in (200, 302)
    assert CallSession.objects.filter(status=SessionStatus.WAITING).count() == 1
    frozen_now.shift(timedelta(minutes=1))
    assert desk.post(clear_url(seat), {"since": "10:30"}).status_code == 302  # later than everyone: no one goes
    assert CallSession.objects.filter(status=SessionStatus.WAITING).count() == 1
