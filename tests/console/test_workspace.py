"""The clerk's workspace page: which conversation it shows, its panels without JavaScript, its timeline, and
a cost that does not grow with the queue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import CallSession
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import SeatFactory

pytestmark = pytest.mark.django_db


def workspace(client, seat, **query):
    url = reverse("digitale_balie_console", args=[seat.pk])
    return client.get(url, query)


def open_contacts(seat, clerk, service, count, channel="phone"):
    return [
        sessions.open_contact(seat, channel=channel, clerk=clerk, citizen_name=f"Burger {n}", service=service)
        for n in range(count)
    ]


def test_the_call_in_progress_is_selected_and_any_other_by_its_link(seat, clerk, service):
    first, second = open_contacts(seat, clerk, service, 2)
    desk = clerk_client_for_seat(seat, clerk)
    assert workspace(desk, seat).context["conversation"].session.pk in (first.pk, second.pk)
    chosen = workspace(desk, seat, session=str(first.pk)).context["conversation"]
    assert chosen.session.pk == first.pk
    assert 'aria-current="true"' in workspace(desk, seat, session=str(first.pk)).content.decode()


def test_another_seats_conversation_cannot_be_selected(seat, clerk, service, django_user_model):
    """No IDOR through ``?session=``: a conversation of another seat is ignored, not shown."""
    other_seat = SeatFactory(services_for=service)
    other_clerk = django_user_model.objects.create_user("els", password="pw", first_name="Els")
    [theirs] = open_contacts(other_seat, other_clerk, service, 1)
    theirs.citizen_name = "Geheime Naam"
    theirs.save()
    [mine] = open_contacts(seat, clerk, service, 1)
    desk = clerk_client_for_seat(seat, clerk)
    page = workspace(desk, seat, session=str(theirs.pk))
    assert page.context["conversation"].session.pk == mine.pk
    assert "Geheime Naam" not in page.content.decode()
    for nonsense in ("abc", "-1", "99999999999999999999", "1e3", "", "\x00"):
        assert workspace(desk, seat, session=nonsense, panel=nonsense).status_code == 200


def test_without_javascript_a_panel_opens_by_its_link_and_a_command_comes_back_to_it(seat, clerk, service):
    [call] = open_contacts(seat, clerk, service, 1, channel="chat")
    desk = clerk_client_for_seat(seat, clerk)
    html = workspace(desk, seat, session=str(call.pk), panel="action-share_message").content.decode()
    assert 'id="panel-action-share_message" aria-labelledby="panel-action-share_message-title" data-balie-panel' in html
    assert html.count(" hidden>") >= 2 and 'id="panel-end"' in html  # the others stay closed
    sent = desk.post(
        reverse("digitale_balie_session_command", args=[seat.pk, call.pk, "action-share_message"]),
        {"text": "Hier is het formulier."},
    )
    assert sent.status_code == 302 and sent["Location"].endswith(f"?session={call.pk}#conversation-title")


def test_a_phone_call_has_no_waiting_room_message_or_guest_link(seat, clerk, service):
    [call] = open_contacts(seat, clerk, service, 1)
    html = workspace(clerk_client_for_seat(seat, clerk), seat, session=str(call.pk)).content.decode()
    assert 'data-balie-open-panel="message"' not in html and 'data-balie-open-panel="guest"' not in html
    assert 'data-balie-open-panel="action-verify_identity"' in html and 'data-balie-open-panel="end"' in html


def test_the_timeline_tells_what_happened_in_order(seat, clerk, service):
    [call] = open_contacts(seat, clerk, service, 1, channel="video")
    sessions.send_message(call, "Ik kom eraan.", by_user=clerk)
    sessions.invite_guest(call, "Tolk Ahmed", by_user=clerk)
    events = workspace(clerk_client_for_seat(seat, clerk), seat, session=str(call.pk)).context["conversation"].timeline
    kinds = [event.kind for event in events]
    assert kinds[:2] == ["arrival", "call"] and "message" in kinds and "guest" in kinds
    assert any(event.detail == "Ik kom eraan." for event in events)
    assert [event.at for event in events] == sorted(event.at for event in events)


def test_the_page_costs_the_same_queries_for_three_or_twelve_conversations(
    seat, clerk, service, django_assert_num_queries
):
    desk = clerk_client_for_seat(seat, clerk)
    open_contacts(seat, clerk, service, 3)
    workspace(desk, seat)  # warm the caches a clerk's second page view has (seats, permissions)
    with CaptureQueriesContext(connection) as three:
        workspace(desk, seat)
    open_contacts(seat, clerk, service, 9)
    assert CallSession.objects.filter(seat=seat).count() == 12
    with django_assert_num_queries(len(three.captured_queries)):
        workspace(desk, seat)
    assert len(three.captured_queries) <= 40, [query["sql"][:80] for query in three.captured_queries]
