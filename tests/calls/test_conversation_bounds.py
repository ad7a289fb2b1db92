"""Issue 16: where a conversation begins and ends for whom.

- Opening a join or guest link (a mail or SMS link scanner's ``GET``/``HEAD``) takes nothing; the page's
  button (a ``POST``) lets the browser in.
- The citizen's role is bound to the first device. Another device waits, seeing nothing, until the clerk
  lets it in (as the citizen, signing out the first, or as a guest) or removes it.
- Cancelling the appointment closes the conversation; moving it moves the conversation.
- Ending it closes every open request (audited); the message command and the citizen's request pages know.
"""

import pytest
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.actions import service as actions
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import (
    ActionStatus,
    AuditEvent,
    CallSession,
    InCallAction,
    ParticipantAccess,
    SessionStatus,
)
from tests.calls.test_video_counter import clerk_client_for_seat, join_link
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)  # the confirmation mail (with the join link) goes on commit

CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile"


@pytest.fixture
def appointment(service, seat, counter_page):
    details = booking.CitizenDetails(name="An Peeters", email="an@example.be", question="eID")
    return booking.book_appointment(service, at(7, 10), details).appointment


def press_join(client, url, **headers):
    """What the citizen does: open the link, press "Go to the waiting room"."""
    page = client.get(url, **headers)
    assert page.status_code == 200, page.status_code
    response = client.post(url, **headers)
    assert response.status_code == 302 and "/room/" in response["Location"], response.status_code
    return response["Location"]


def session_of(appointment) -> CallSession:
    return CallSession.objects.get(appointment=appointment)


def command(console, seat, session, name, **data):
    url = reverse("digitale_balie_session_command", args=[seat.pk, session.pk, name])
    return console.post(url, data, HTTP_ACCEPT="application/json")


def state(client, session):
    return client.get(reverse("digitale_balie:room_state", args=[session.pk]))


# --- link scanners -------------------------------------------------------------------------------------


def test_a_link_scanner_opening_the_join_link_takes_nothing(appointment):
    link = join_link(appointment)
    scanner = Client()
    assert scanner.head(link).status_code == 200
    page = scanner.get(link)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert page["Referrer-Policy"] == "same-origin" and b"data-balie-join" in page.content
    assert not ParticipantAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="session.joined").exists()
    assert not [name for name in scanner.cookies if name.startswith("balie_room")]

    citizen = Client()
    room = press_join(citizen, link)
    assert citizen.get(room).status_code == 200 and b"data-balie-room" in citizen.get(room).content
    assert ParticipantAccess.objects.get().admitted  # the citizen, not the scanner, is the first device


def test_a_link_scanner_opening_a_guest_link_takes_nothing(appointment):
    citizen = Client()
    press_join(citizen, join_link(appointment))
    guest_link = f"/digitale-balie/guest/{sessions.invite_guest(session_of(appointment), 'Tolk')}/"
    before = ParticipantAccess.objects.count()
    assert Client().head(guest_link).status_code == 200
    assert Client().get(guest_link).status_code == 200
    assert ParticipantAccess.objects.count() == before
    press_join(Client(), guest_link)
    assert ParticipantAccess.objects.filter(role="guest", purpose="cookie").count() == 1


def test_the_same_browser_opening_the_link_again_goes_straight_in(appointment):
    citizen = Client()
    room = press_join(citizen, join_link(appointment))
    again = citizen.get(join_link(appointment))
    assert again.status_code == 302 and again["Location"] == room  # a GET that only reads: it knows the cookie
    press_join_again = citizen.post(join_link(appointment))
    assert press_join_again.status_code == 302
    assert ParticipantAccess.objects.count() == 1  # no second device out of the first one


def test_the_manage_pages_join_button_is_one_press(appointment, counter_page):
    manage = counter_page.url + f"manage/{appointment.issue_token('manage')}/"
    citizen = Client()
    to_join = citizen.post(manage + "join/")
    assert to_join.status_code == 302 and "/join/" in to_join["Location"]
    entered = citizen.get(to_join["Location"])  # the POST asked for it: no second button
    assert entered.status_code == 302 and "/room/" in entered["Location"]
    assert Client().get(to_join["Location"]).status_code == 200  # another browser with that link: the page


# --- one device is the citizen ---------------------------------------------------------------------------


def test_a_second_device_waits_sees_nothing_and_is_shown_to_the_clerk(appointment, seat, clerk):
    first, second = Client(), Client()
    room = press_join(first, join_link(appointment))
    session = session_of(appointment)
    sessions.send_message(session, "Ik ben er zo.", by_user=clerk)
    payment = actions.create_action(
        session, "request_payment", {"amount": "12.50", "description": "Rijbewijs"}, by_user=clerk
    )

    press_join(second, join_link(appointment), HTTP_USER_AGENT=CHROME_ANDROID)
    waiting = ParticipantAccess.objects.get(admitted=False)
    assert waiting.device == "Chrome · Android" and waiting.role == "citizen"
    page = second.get(room)
    assert page.status_code == 200 and b"data-balie-device-waiting" in page.content
    assert b"Ik ben er zo." not in page.content and b"Rijbewijs" not in page.content
    seen = state(second, session).json()
    assert seen["admitted"] is False and set(seen) == {"status", "headline", "admitted", "ended"}
    assert second.get(f"/digitale-balie/pay/{payment.pk}/").status_code == 404  # no request for it
    assert (
        second.post(reverse("digitale_balie:room_action", args=[session.pk, payment.pk]), {"done": "1"}).status_code
        == 404
    )
    assert second.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 404

    console = clerk_client_for_seat(seat, clerk)
    desk = console.get(reverse("digitale_balie_console", args=[seat.pk]), {"session": session.pk}).content.decode()
    assert "Chrome · Android" in desk and f'value="{waiting.pk}"' in desk
    assert (
        console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()["sessions"][0]["devices"][0]["device"]
        == "Chrome · Android"
    )
    assert state(first, session).json()["admitted"] is True  # the first device goes on as before


def test_the_clerk_lets_the_other_device_in_as_the_citizen(appointment, seat, clerk, counter_page):
    first, second = Client(), Client()
    room = press_join(first, join_link(appointment))
    session = session_of(appointment)
    verify = actions.create_action(session, "verify_identity", {}, by_user=clerk)
    assert first.get(counter_page.url + f"verify/{verify.pk}/").status_code == 200  # taken from the room
    press_join(second, join_link(appointment))
    waiting = ParticipantAccess.objects.get(admitted=False)

    console = clerk_client_for_seat(seat, clerk)
    assert command(console, seat, session, "device-admit", access=waiting.pk).status_code == 200
    assert state(first, session).status_code == 404  # signed out: its page reloads to "this link does not work"
    assert first.get(room).status_code == 404
    assert state(second, session).json()["admitted"] is True
    assert b"data-balie-room" in second.get(room).content
    # The request the first device had opened can be taken here now.
    assert second.get(counter_page.url + f"verify/{verify.pk}/").status_code == 200
    assert first.get(counter_page.url + f"verify/{verify.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="session.device_admitted").count() == 1
    assert AuditEvent.objects.filter(action="action.released", object_id=str(verify.pk)).count() == 1
    # Pressed twice (or on a device that is not waiting): a clear 400, nothing changes.
    assert command(console, seat, session, "device-admit", access=waiting.pk).status_code == 400


def test_the_clerk_lets_the_other_device_in_as_a_guest_or_removes_it(appointment, seat, clerk):
    first, interpreter, stranger = Client(), Client(), Client()
    room = press_join(first, join_link(appointment))
    session = session_of(appointment)
    press_join(interpreter, join_link(appointment))
    press_join(stranger, join_link(appointment))
    as_guest, removed = ParticipantAccess.objects.filter(admitted=False).order_by("pk")
    console = clerk_client_for_seat(seat, clerk)

    assert command(console, seat, session, "device-guest", access=as_guest.pk).status_code == 200
    assert command(console, seat, session, "device-remove", access=removed.pk).status_code == 200
    as_guest.refresh_from_db()
    assert as_guest.role == "guest" and as_guest.admitted
    assert state(interpreter, session).json()["documents"] == []  # a guest sees no documents
    assert state(stranger, session).status_code == 404 and stranger.get(room).status_code == 404
    assert state(first, session).json()["admitted"] is True  # the citizen stays
    assert AuditEvent.objects.filter(action="session.device_removed").count() == 1
    # Another conversation's device, a made-up id: 400 and nothing moves.
    assert command(console, seat, session, "device-remove", access="999999").status_code == 400
    assert command(console, seat, session, "device-remove", access="abc").status_code in (400, 404)


def test_another_seats_clerk_cannot_let_a_device_in(appointment, seat, clerk, django_user_model):
    from tests.factories import SeatFactory

    press_join(Client(), join_link(appointment))
    press_join(Client(), join_link(appointment))
    session = session_of(appointment)
    waiting = ParticipantAccess.objects.get(admitted=False)
    other_seat = SeatFactory(site=seat.site)
    outsider = clerk_client_for_seat(other_seat, django_user_model.objects.create_user("piet", password="pw"))
    assert command(outsider, seat, session, "device-admit", access=waiting.pk).status_code == 404
    assert not ParticipantAccess.objects.get(pk=waiting.pk).admitted


# --- cancelled, moved -------------------------------------------------------------------------------------


def test_cancelling_closes_the_conversation(appointment, seat, clerk, counter_page):
    citizen = Client()
    room = press_join(citizen, join_link(appointment))
    session = session_of(appointment)
    assert citizen.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 204
    open_request = actions.create_action(session, "share_message", {"text": "Lees dit."}, by_user=clerk)

    manage = counter_page.url + f"manage/{appointment.issue_token('manage')}/"
    assert citizen.post(manage + "cancel/").status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and not session.is_open
    page = citizen.get(room)
    assert page.status_code == 410 and "geannuleerd" in page.content.decode()
    assert state(citizen, session).json()["ended"] is True
    open_request.refresh_from_db()
    assert open_request.status == ActionStatus.CANCELLED
    assert AuditEvent.objects.filter(action="session.cancelled", object_id=str(session.pk)).exists()

    console = clerk_client_for_seat(seat, clerk)
    queue = console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()["sessions"]
    assert session.pk not in [item["id"] for item in queue]
    assert command(console, seat, session, "start").status_code == 400
    assert command(console, seat, session, "message", text="Hallo?").status_code == 400
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.started_at is None
    assert citizen.post(join_link(appointment)).status_code == 404  # the join link died with it


def test_moving_the_appointment_moves_its_conversation(appointment, service, seat, clerk):
    citizen = Client()
    press_join(citizen, join_link(appointment))
    session = session_of(appointment)
    citizen.post(reverse("digitale_balie:room_heartbeat", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.WAITING

    booking.reschedule_appointment(appointment, at(9, 11))
    session.refresh_from_db()
    assert session.planned_start == at(9, 11) and session.status == SessionStatus.EXPECTED
    assert session.waiting_since is None
    assert session.accesses.get().expires_at > at(9, 11)  # the room cookie lives as long as the new time
    console = clerk_client_for_seat(seat, clerk)
    today = console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()["sessions"]
    assert session.pk not in [item["id"] for item in today]  # no longer in today's queue


# --- ended ------------------------------------------------------------------------------------------------


def test_ending_closes_every_open_request_and_the_message_command(appointment, seat, clerk, counter_page):
    citizen = Client()
    room = press_join(citizen, join_link(appointment))
    session = session_of(appointment)
    console = clerk_client_for_seat(seat, clerk)
    command(console, seat, session, "start")
    verify = actions.create_action(session, "verify_identity", {}, by_user=clerk)
    message = actions.create_action(session, "share_message", {"text": "Lees dit."}, by_user=clerk)
    done = actions.create_action(session, "share_message", {"text": "Al gelezen."}, by_user=clerk)
    actions.transition(done, ActionStatus.COMPLETED, actor_label="citizen")

    assert command(console, seat, session, "end", outcome="resolved").status_code == 200
    statuses = dict(InCallAction.objects.values_list("pk", "status"))
    assert statuses == {verify.pk: "cancelled", message.pk: "cancelled", done.pk: "completed"}
    closed = AuditEvent.objects.filter(action="action.status", data__reason="conversation ended")
    assert sorted(int(pk) for pk in closed.values_list("object_id", flat=True)) == sorted([verify.pk, message.pk])

    assert command(console, seat, session, "message", text="Nog iets").status_code == 400
    assert not session.messages.exists()
    consent = citizen.get(counter_page.url + f"verify/{verify.pk}/")
    assert consent.status_code == 410 and "Het gesprek is afgelopen" in consent.content.decode()
    seen = state(citizen, session).json()
    assert seen["ended"] and all(item["final"] for item in seen["actions"])
    assert "Het gesprek is afgelopen" in citizen.get(room).content.decode()


def test_on_https_the_room_cookie_is_host_prefixed(appointment, settings):
    """``__Host-``: Secure, path ``/``, no Domain — a sibling sub-domain cannot plant or overwrite it."""
    settings.SECURE_SSL_REDIRECT = False
    citizen = Client()
    citizen.get(join_link(appointment), secure=True)
    response = citizen.post(join_link(appointment), secure=True)
    session = session_of(appointment)
    cookie = response.cookies[f"__Host-balie_room_{session.pk}"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
    assert f"balie_room_{session.pk}" not in response.cookies  # no unprefixed twin
    assert citizen.get(response["Location"], secure=True).status_code == 200
    assert state(citizen, session).status_code == 404  # on plain HTTP the prefixed cookie is not read
