"""Arriving early (issue 15): before the day the page says when to come back; on the day the clerk sees it.

It is Monday 08:00 (the frozen clock). Before, a citizen who opened Tuesday's link on Monday read "The clerk
will let you in soon" and sat in a queue nobody looked at, marked waiting since the day before.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import CallSession, SessionStatus
from digitale_balie_plugin.room.state import citizen_state
from tests.calls.test_video_counter import clerk_client_for_seat, enter_room
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


def citizen_headline(session, language="en") -> str:
    with translation.override(language):
        return citizen_state(session.accesses.get(role="citizen"))["headline"]


def arrive(client, appointment) -> CallSession:
    """Open the join link and the waiting room, as the page does (its first heartbeat says "I am here")."""
    room = enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    assert client.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 204
    session.refresh_from_db()
    return room, session


def book(service, start, language="nl", email="an@example.be"):
    details = booking.CitizenDetails(name="An Peeters", email=email, question="eID", language=language)
    return booking.book_appointment(service, start, details).appointment


def test_before_the_day_the_citizen_is_told_when_to_come_back(client, service, seat, counter_page, clerk):
    appointment = book(service, at(8, 10))  # tomorrow, Tuesday 10:00
    room, session = arrive(client, appointment)
    assert session.status == SessionStatus.EXPECTED and session.waiting_since is None  # in nobody's queue yet
    html = client.get(room).content.decode()
    assert "device-test/room/" in html  # the test room is offered, with the device test
    assert citizen_headline(session).startswith("Your appointment is on Tuesday 8 December at 10:00.")
    console = clerk_client_for_seat(seat, clerk).get(reverse("digitale_balie_console", args=[seat.pk]))
    assert "An Peeters" not in console.content.decode()  # Monday's queue


def test_on_the_day_an_early_citizen_waits_and_the_clerk_sees_it(client, service, seat, counter_page, clerk):
    appointment = book(service, at(7, 10))  # today 10:00; it is 08:00
    _, session = arrive(client, appointment)
    assert session.status == SessionStatus.WAITING and session.arrived_early
    assert citizen_headline(session) == "You are early: your appointment is at 10:00. The clerk sees that you are here."
    desk = clerk_client_for_seat(seat, clerk)
    html = desk.get(reverse("digitale_balie_console", args=[seat.pk])).content.decode()
    assert "data-balie-early" in html and "10:00" in html
    sessions.start_call(session, clerk)  # the clerk may start early
    assert CallSession.objects.get(pk=session.pk).status == SessionStatus.IN_CALL


def test_on_time_is_not_early(client, service, seat, counter_page, frozen_now):
    appointment = book(service, at(7, 10))
    frozen_now.move_to(at(7, 9, 58))
    _, session = arrive(client, appointment)
    assert session.status == SessionStatus.WAITING and not session.arrived_early


@pytest.mark.parametrize(
    "language, before, early",
    [
        ("nl", "Uw afspraak is op dinsdag 8 december om 10:00.", "U bent vroeg: uw afspraak is om 10:00."),
        (
            "fr",
            "Votre rendez-vous est le mardi 8 décembre à 10:00.",
            "Vous êtes en avance : votre rendez-vous est à 10:00.",
        ),
        ("en", "Your appointment is on Tuesday 8 December at 10:00.", "You are early: your appointment is at 10:00."),
    ],
)
def test_both_in_the_citizens_language(client, service, seat, counter_page, language, before, early):
    _, tomorrow = arrive(client, book(service, at(8, 10), language, email="morgen@example.be"))
    assert citizen_headline(tomorrow, language).startswith(before)
    _, today = arrive(client, book(service, at(7, 10), language, email="vandaag@example.be"))
    assert citizen_headline(today, language).startswith(early)


@pytest.mark.parametrize(
    "header, expected",
    [("fr", "Votre rendez-vous est le"), ("en", "Your appointment is on"), ("xx", "Uw afspraak is op"), ("", "Uw")],
)
def test_the_live_headline_speaks_the_pages_language(client, service, seat, counter_page, header, expected):
    """The poll's endpoint is outside the language prefixes: the page's script names its language (before, a
    French waiting room turned Dutch at its first poll); an unknown language is ignored."""
    _, session = arrive(client, book(service, at(8, 10), "fr"))
    state = client.get(reverse("digitale_balie:room_state", args=[session.pk]), HTTP_X_BALIE_LANGUAGE=header)
    assert state.status_code == 200 and state.json()["headline"].startswith(expected)
