"""The conversation: join link → cookie → waiting room → console → call → ended, and the live endpoints."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import AuditEvent, CallSession, InCallAction, SessionStatus
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clerk_group(seat):
    group = Group.objects.create(name=f"Clerks {seat.name}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    seat.clerk_groups.add(group)
    return group


@pytest.fixture
def clerk(django_user_model, clerk_group):
    user = django_user_model.objects.create_user("sofie", password="pw", first_name="Sofie")
    user.groups.add(clerk_group)
    return user


@pytest.fixture
def appointment(service, seat, counter_page):
    return booking.book_appointment(
        service, at(7, 10), booking.CitizenDetails(name="An Peeters", email="an@example.be", question="Nieuwe eID")
    ).appointment


def join_link(appointment):
    [message] = [m for m in mail.outbox if m.to == [appointment.email]][:1]
    return re.search(r"https?://[^/]+((?:/[a-z]{2})?/digitale-balie/join/[\w-]+/)", message.body).group(1)


def enter_room(client, appointment):
    """Open the join link (a page that takes nothing: link scanners open links too), then press the button."""
    rooms_before = sorted(name for name in client.cookies if name.startswith("balie_room"))
    opened = client.get(join_link(appointment))
    assert opened.status_code == 200 and b"data-balie-join" in opened.content and opened["Cache-Control"] == "no-store"
    assert sorted(name for name in client.cookies if name.startswith("balie_room")) == rooms_before
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', opened.content.decode()).group(1)
    response = client.post(join_link(appointment), {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302 and "/room/" in response["Location"]
    assert "join" not in response["Location"]  # the token leaves the address bar
    cookie = next(value for name, value in client.cookies.items() if name.startswith("balie_room_"))
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    return response["Location"]


def test_waiting_room_console_call_and_end(client, appointment, clerk, seat, frozen_now):
    citizen = client
    room_url = enter_room(citizen, appointment)
    page = citizen.get(room_url)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    session = CallSession.objects.get(appointment=appointment)
    state_url = reverse("digitale_balie:room_state", args=[session.pk])

    first = citizen.get(state_url)
    assert first.json()["status"] == "expected" and first["ETag"]
    assert citizen.get(state_url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert citizen.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 204
    session.refresh_from_db()
    assert session.status == SessionStatus.WAITING and session.waiting_since

    from django.test import Client

    console = Client()
    console.force_login(clerk)
    assert console.get(reverse("digitale_balie_choose_seat")).status_code == 302
    queue = console.get(reverse("digitale_balie_console", args=[seat.pk]))
    assert "An Peeters" in queue.content.decode() and "Nieuwe eID" in queue.content.decode()
    console_state = console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()
    assert console_state["sessions"][0]["present"] is True

    command = lambda name, **data: console.post(  # noqa: E731
        reverse("digitale_balie_session_command", args=[seat.pk, session.pk, name]), data
    )
    assert command("message", text="Ik ben 10 minuten later.").status_code == 302
    changed = citizen.get(state_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["messages"][0]["text"] == "Ik ben 10 minuten later."

    command("start")
    call = citizen.get(state_url).json()["call"]
    assert call and call["is_demo"] and call["display_name"] == "An Peeters"
    assert console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()["call"]["is_moderator"]

    command("action-share_message", text="Lees dit formulier", url="https://stad.example/formulier")
    action = InCallAction.objects.get(session=session)
    assert action.status == "sent"
    citizen.post(reverse("digitale_balie:room_action", args=[session.pk, action.pk]), {"done": "1"})
    action.refresh_from_db()
    assert action.status == "completed"
    assert AuditEvent.objects.filter(action="action.status", object_id=str(action.pk)).count() == 2

    command("end", outcome="resolved", notes="eID aangevraagd")
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED and session.notes == "eID aangevraagd"
    appointment.refresh_from_db()
    assert appointment.status == "completed"
    frozen_now.shift(3600)
    assert citizen.get(room_url).status_code in (404, 410)
    assert citizen.get(state_url).status_code == 404


def test_guest_link_joins_the_same_room_and_can_be_revoked(client, appointment, clerk, seat):
    from django.test import Client

    session_url = enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    console = Client()
    console.force_login(clerk)
    console.post(reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "guest"]), {"name": "Tolk"})
    link = session.accesses.get(purpose="link")
    guest = Client()
    messages = [str(m) for m in console.get(reverse("digitale_balie_console", args=[seat.pk])).context["messages"]]
    guest_url = re.search(r"(/digitale-balie/guest/[\w-]+/)", " ".join(messages)).group(1)
    assert guest.get(guest_url).status_code == 200  # the page; the button lets the guest in
    assert guest.post(guest_url).status_code == 302
    console.post(reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "start"]))
    guest_response = guest.get(reverse("digitale_balie:room_state", args=[session.pk]))
    guest_etag, guest_state = guest_response["ETag"], guest_response.json()
    guest.get(reverse("digitale_balie:room_state", args=[session.pk]), HTTP_IF_NONE_MATCH=guest_etag)
    assert guest_state["call"]["display_name"] == "Tolk" and not guest_state["call"]["is_moderator"]
    console.post(reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "revoke"]), {"access": link.pk})
    assert guest.get(reverse("digitale_balie:room_state", args=[session.pk])).status_code == 404
    # the revoked guest's cached cookie check is gone too: an "unchanged" poll is refused as well
    guest_etag = client.get(reverse("digitale_balie:room_state", args=[session.pk]))["ETag"]
    assert (
        guest.get(reverse("digitale_balie:room_state", args=[session.pk]), HTTP_IF_NONE_MATCH=guest_etag).status_code
        == 404
    )
    assert client.get(reverse("digitale_balie:room_state", args=[session.pk])).status_code == 200
    assert session_url


def test_unchanged_polls_cost_one_query(client, appointment, clerk, seat, django_assert_max_num_queries):
    enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    url = reverse("digitale_balie:room_state", args=[session.pk])
    client.post(reverse("digitale_balie:room_heartbeat", args=[session.pk]))  # arrival: written once
    etag = client.get(url)["ETag"]
    client.get(url, HTTP_IF_NONE_MATCH=etag)  # first unchanged poll fills the cached cookie check
    with django_assert_max_num_queries(0):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.post(reverse("digitale_balie:room_heartbeat", args=[session.pk])).status_code == 204

    from django.test import Client

    console = Client()
    console.force_login(clerk)
    console_url = reverse("digitale_balie:seat_state", args=[seat.pk])
    etag = console.get(console_url)["ETag"]
    with django_assert_max_num_queries(1):
        assert console.get(console_url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_phone_contact_without_appointment_gets_actions(clerk, seat, service):
    from django.test import Client

    console = Client()
    console.force_login(clerk)
    console.post(
        reverse("digitale_balie_open_contact", args=[seat.pk]),
        {"channel": "phone", "citizen_name": "Jef", "service": service.pk},
    )
    session = CallSession.objects.get(citizen_name="Jef")
    assert session.channel == "phone" and session.status == SessionStatus.IN_CALL
    console.post(
        reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "action-share_message"]),
        {"text": "Het formulier staat op de website."},
    )
    assert InCallAction.objects.get(session=session).status == "sent"


def test_no_show_kills_the_link(client, appointment, clerk, seat):
    from django.test import Client

    room_url = enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    console = Client()
    console.force_login(clerk)
    console.post(reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "no-show"]))
    appointment.refresh_from_db()
    assert appointment.status == "no_show"
    assert client.get(room_url).status_code in (404, 410)


def test_personal_test_room_is_rate_limited(client, counter_page):
    url = counter_page.url + "device-test/room/"
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200 and "balie-test-room" in response.content.decode()
    assert client.get(url).status_code == 429


def test_end_with_a_follow_up_books_it_in_one_step(client, appointment, clerk, seat, service):
    from django.test import Client

    from digitale_balie_plugin.booking.availability import free_slots
    from digitale_balie_plugin.models import Appointment

    enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    console = Client()
    console.force_login(clerk)
    console.post(reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "start"]))
    page = console.get(reverse("digitale_balie_console", args=[seat.pk])).content.decode()
    slot = free_slots(service, first_day=at(8, 0).date(), last_day=at(8, 0).date())[0]
    assert f'value="{slot.key}"' in page
    console.post(
        reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "end"]),
        {"outcome": "follow_up", "notes": "", "follow_up_slot": slot.key},
    )
    session.refresh_from_db()
    follow_up = Appointment.objects.exclude(pk=appointment.pk).get()
    assert session.follow_up == follow_up and session.outcome == "follow_up"
    assert follow_up.email_confirmed and follow_up.booked_by == clerk and follow_up.start == slot.start


def test_overdue_actions_expire_once(appointment, clerk, frozen_now):
    from datetime import timedelta

    from digitale_balie_plugin.actions.service import create_action
    from digitale_balie_plugin.calls.sessions import session_for_appointment
    from digitale_balie_plugin.tasks import expire_actions_task

    session = session_for_appointment(appointment)
    action = create_action(session, "share_message", {"text": "Lees dit"}, by_user=clerk)
    assert expire_actions_task() == 0
    frozen_now.shift(timedelta(hours=3))
    assert expire_actions_task() == 1 and expire_actions_task() == 0
    action.refresh_from_db()
    assert action.status == "expired"


def test_start_and_end_send_signals(appointment, clerk):
    from digitale_balie_plugin import signals
    from digitale_balie_plugin.calls import sessions

    seen = []
    signals.call_started.connect(lambda **kw: seen.append(("started", kw["session"].pk)), weak=False)
    signals.call_ended.connect(lambda **kw: seen.append(("ended", kw["outcome"])), weak=False)
    session = sessions.session_for_appointment(appointment)
    sessions.start_call(session, clerk)
    sessions.end_call(session, clerk, outcome="resolved")
    sessions.end_call(session, clerk, outcome="resolved")  # twice: one signal
    assert seen == [("started", session.pk), ("ended", "resolved")]


def test_the_citizen_can_invite_a_guest_too(client, appointment, counter_page):
    from django.test import Client

    enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    url = counter_page.url + f"room/{session.pk}/guest/"
    assert client.post(url, {"name": ""}).status_code == 400
    page = client.post(url, {"name": "Mantelzorger Els"}).content.decode()
    guest_url = re.search(r'value="https?://[^/]+(/digitale-balie/guest/[\w-]+/)"', page).group(1)
    guest = Client()
    assert guest.get(guest_url).status_code == 200  # the page; the button lets the guest in
    assert guest.post(guest_url).status_code == 302
    assert guest.get(reverse("digitale_balie:room_state", args=[session.pk])).status_code == 200
    assert Client().get(url).status_code == 404  # nobody else can invite


def test_the_fast_path_grants_nothing_the_views_would_not(appointment, clerk, django_assert_max_num_queries):
    """``LivePollMiddleware`` answers unchanged polls and beats at the top of the stack; everything else
    (a forged cross-site beat, a stale ETag, a foreign cookie) still meets the normal views."""
    from django.test import Client

    from digitale_balie_plugin.calls.access import cookie_name

    citizen = Client(enforce_csrf_checks=True)
    citizen.get(enter_room(citizen, appointment))  # the room page sets the csrftoken cookie
    session = CallSession.objects.get(appointment=appointment)
    state_url = reverse("digitale_balie:room_state", args=[session.pk])
    beat_url = reverse("digitale_balie:room_heartbeat", args=[session.pk])
    csrf = citizen.cookies["csrftoken"].value
    assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 204  # arrival, through the view
    etag = citizen.get(state_url)["ETag"]
    citizen.get(state_url, HTTP_IF_NONE_MATCH=etag)  # fills the cached cookie check
    with django_assert_max_num_queries(0):
        assert citizen.get(state_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert citizen.post(beat_url).status_code == 403  # no CSRF token: Django's own refusal
    assert citizen.get(state_url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    stranger = Client()
    stranger.cookies[cookie_name(session.pk)] = "forged-cookie-value"
    assert stranger.get(state_url, HTTP_IF_NONE_MATCH=f'"{etag}"').status_code == 404
    assert stranger.post(beat_url).status_code == 404


def test_an_expired_cookie_check_costs_one_query_not_the_whole_stack(appointment, clerk, django_assert_num_queries):
    """The cached cookie check lives a minute: the poll and the beat after it check the cookie with one query
    at the top of the stack and answer as before (issue 18: 2,000 citizens sent 33 polls a second through
    the whole stack and the state builder); a cookie revoked meanwhile still meets the view's 404."""
    from django.core.cache import cache
    from django.test import Client

    from digitale_balie_plugin.calls.access import cookie_name
    from digitale_balie_plugin.tokens import hash_token

    citizen = Client(enforce_csrf_checks=True)
    citizen.get(enter_room(citizen, appointment))
    session = CallSession.objects.get(appointment=appointment)
    state_url = reverse("digitale_balie:room_state", args=[session.pk])
    beat_url = reverse("digitale_balie:room_heartbeat", args=[session.pk])
    csrf = citizen.cookies["csrftoken"].value
    assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 204  # the arrival
    etag = citizen.get(state_url)["ETag"]
    cached_check = sessions._cache_keys(hash_token(citizen.cookies[cookie_name(session.pk)].value))

    cache.delete_many(cached_check)  # a minute later
    with django_assert_num_queries(1):  # the cookie's check, renewed in the cache
        assert citizen.get(state_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(0):
        assert citizen.get(state_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    cache.delete_many(cached_check)
    with django_assert_num_queries(1):
        assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 204
    with django_assert_num_queries(0):
        assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 204

    session.accesses.update(revoked_at=timezone.now())  # revoked while the cache still vouched
    cache.delete_many(cached_check)
    assert citizen.get(state_url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert citizen.post(beat_url, HTTP_X_CSRFTOKEN=csrf).status_code == 404


def test_a_clerk_whose_password_changed_gets_no_answer_from_the_fast_path(seat, clerk):
    console = clerk_client_for_seat(seat, clerk)
    url = reverse("digitale_balie:seat_state", args=[seat.pk])
    etag = console.get(url)["ETag"]
    assert console.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    clerk.set_password("new-password")
    clerk.save()
    assert console.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404  # the session is no longer valid


def clerk_client_for_seat(seat, user):
    from django.contrib.auth.models import Group, Permission
    from django.test import Client

    group = Group.objects.create(name=f"seat-{seat.pk}-{user.pk}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    seat.clerk_groups.add(group)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client
