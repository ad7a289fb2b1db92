"""The extension point of in-call actions: a new action type brings its own console command, and the console
routes to it without knowing it (no edit to ``console/``)."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.urls import reverse

from digitale_balie_plugin.actions import registry
from digitale_balie_plugin.actions.registry import ActionType, clerk_command, posted_id, register_action_type
from digitale_balie_plugin.exceptions import CounterError
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import SeatFactory

CALLS: list[tuple[int, int]] = []


class StampForm(ActionType):
    """A made-up action type, as a site would add one: "stamp the form" with a command of its own."""

    identifier = "test_stamp"
    label = "Stamp"
    icon = "tick"
    clerk_commands = {"stamp": "stamp"}
    clerk_panel_template = "tests/stamp_panel.html"

    def clerk_panel_context(self, session) -> dict:
        return {"number_of_documents": session.documents.count()}

    def stamp(self, request, session) -> None:
        number = posted_id(request, "number")
        if not number:
            raise CounterError("Which form?")
        CALLS.append((session.pk, number))
        messages.success(request, f"Stamped {number}.")


@pytest.fixture
def stamp_type():
    register_action_type(StampForm)
    CALLS.clear()
    yield registry.action_type("test_stamp")
    registry._types.pop("test_stamp", None)


def command_url(seat, session, name):
    return reverse("digitale_balie_session_command", args=[seat.pk, session.pk, name])


def test_a_new_action_types_command_reaches_it_through_the_console(stamp_type, seat, clerk, phone_session):
    console = clerk_client_for_seat(seat, clerk)
    response = console.post(command_url(seat, phone_session, "stamp"), {"number": "7"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["messages"][0]["text"] == "Stamped 7."
    assert [(phone_session.pk, 7)] == CALLS


def test_a_new_action_type_brings_its_command_and_panel_to_the_workspace(stamp_type, seat, clerk, phone_session):
    """Its own icon, label and panel (with its own context), next to the built-in kinds; no console code knows it."""
    page = clerk_client_for_seat(seat, clerk).get(
        reverse("digitale_balie_console", args=[seat.pk]) + f"?session={phone_session.pk}&panel=action-test_stamp"
    )
    html = page.content.decode()
    command = re.search(r'<a [^>]*data-balie-open-panel="action-test_stamp"[^>]*>(.*?)</a>', html, re.S)
    assert command and "#icon-tick" in command.group(1) and "Stamp" in command.group(1)
    assert 'aria-expanded="true"' in command.group(0)  # ?panel= opens it without JavaScript
    panel = re.search(r'<section class="balie-panel" id="panel-action-test_stamp"[^>]*>(.*?)</section>', html, re.S)
    assert panel and "hidden" not in panel.group(0).split(">")[0]
    assert "Stamp form 0 of Jan" in panel.group(1) and command_url(seat, phone_session, "stamp") in panel.group(1)
    assert 'id="panel-action-request_payment"' in html  # the built-in kinds are still there, closed


def test_its_error_is_shown_to_the_clerk_and_nothing_happens(stamp_type, seat, clerk, phone_session):
    console = clerk_client_for_seat(seat, clerk)
    response = console.post(
        command_url(seat, phone_session, "stamp"), {"number": "abc"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and response.json()["messages"][0]["text"] == "Which form?"
    assert CALLS == []


def test_only_clerks_of_the_seat_reach_a_command(stamp_type, seat, phone_session, django_user_model):
    """A clerk of another seat (admin access, counter permission) gets a 404: the seat's queue is not theirs."""
    other_seat = SeatFactory(services_for=phone_session.service)
    stranger = clerk_client_for_seat(other_seat, django_user_model.objects.create_user("stranger", password="pw"))
    assert stranger.post(command_url(seat, phone_session, "stamp"), {"number": "7"}).status_code == 404
    assert CALLS == []


def test_an_unknown_command_is_a_404(seat, clerk, phone_session):
    console = clerk_client_for_seat(seat, clerk)
    assert clerk_command("no-such-command") is None
    assert console.post(command_url(seat, phone_session, "no-such-command")).status_code == 404


def test_the_built_in_kinds_bring_refund_delete_document_and_form_pdf():
    owners = {slug: kind.identifier for kind in registry.action_types().values() for slug in kind.clerk_commands}
    assert owners == {"refund": "request_payment", "delete-document": "exchange_documents", "form-pdf": "send_form"}


def test_two_kinds_cannot_claim_the_same_command(stamp_type):
    class AnotherStamp(ActionType):
        identifier = "test_other_stamp"
        clerk_commands = {"stamp": "stamp"}

    with pytest.raises(ValueError, match="stamp"):
        register_action_type(AnotherStamp)
    assert registry.action_type("test_other_stamp") is None


@pytest.mark.parametrize("raw", ["", "abc", "0", "-3", "9223372036854775808", "1e30", None])
def test_posted_ids_that_are_not_sane_match_nothing(rf, raw):
    request = rf.post("/", {} if raw is None else {"action": raw})
    assert posted_id(request, "action") == 0


def test_a_sane_posted_id_is_read(rf):
    assert posted_id(rf.post("/", {"action": "42"}), "action") == 42
