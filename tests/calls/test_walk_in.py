"""Walk-in digital counter: tickets during opening hours, places in the queue, the console serves in order."""

import pytest
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.walk_in import QueueFull
from digitale_balie_plugin.models import CallSession
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def walk_in_page(counter_page):
    counter_page.body = [("video_room", {"heading": "Praat nu met ons", "intro": "", "services": []})]
    counter_page.save_revision().publish()
    return counter_page


def take(client, page, service, name):
    response = client.post(page.url + "walk-in/", {"service": service.pk, "name": name, "contact": "0470123456"})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_tickets_places_and_service_in_order(walk_in_page, service, seat, frozen_now, django_user_model):
    frozen_now.move_to(at(7, 9, 30))
    page_html = Client().get(walk_in_page.url).content.decode()
    assert "Neem een ticket" in page_html or "Take a ticket" in page_html
    first, second = Client(), Client()
    take(first, walk_in_page, service, "Eerste")
    take(second, walk_in_page, service, "Tweede")
    one, two = CallSession.objects.order_by("ticket_number")
    assert (one.ticket_number, two.ticket_number) == (1, 2) and one.is_walk_in
    state = lambda client, session: client.get(reverse("digitale_balie:room_state", args=[session.pk])).json()  # noqa: E731
    assert "nummer 1" in state(first, one)["headline"] and "nummer 2" in state(second, two)["headline"]
    clerk = django_user_model.objects.create_superuser("clerk", "c@example.be", "pw")
    sessions.start_call(one, clerk)
    assert state(first, one)["call"] is not None
    assert "nummer 2" in state(second, two)["headline"]  # the one in the call still counts
    sessions.end_call(one, clerk, outcome="resolved")
    assert "nummer 1" in state(second, two)["headline"]


def test_outside_opening_hours_the_block_says_when_it_opens(walk_in_page, service, seat, frozen_now):
    frozen_now.move_to(at(7, 20))
    html = Client().get(walk_in_page.url).content.decode()
    assert "gesloten" in html and "dinsdag 8 december, 09:00" in html
    response = Client().post(
        walk_in_page.url + "walk-in/", {"service": service.pk, "name": "Laat", "contact": "x@y.be"}
    )
    assert response.status_code == 409 and not CallSession.objects.exists()


def test_walk_in_form_errors(walk_in_page, service, seat, frozen_now):
    frozen_now.move_to(at(7, 10))
    response = Client().post(walk_in_page.url + "walk-in/", {"service": "999", "name": "", "contact": "nope"})
    assert response.status_code == 400 and not CallSession.objects.exists()


def ticket_from(address, page, service, name):
    """A walk-in POST from one browser at ``address``."""
    data = {"service": service.pk, "name": name, "contact": "0470123456"}
    return Client(REMOTE_ADDR=address).post(page.url + "walk-in/", data)


def test_one_address_takes_a_few_tickets_then_waits(
    walk_in_page, service, seat, frozen_now, django_assert_max_num_queries
):
    """Issue 16: 40 POSTs from one address in 6 s gave 39 tickets in one queue."""
    frozen_now.move_to(at(7, 10))
    answers = [ticket_from("198.51.100.7", walk_in_page, service, f"Flood {n}") for n in range(40)]
    assert [answer.status_code for answer in answers] == [302] * 5 + [429] * 35
    assert CallSession.objects.filter(is_walk_in=True).count() == 5
    assert "digitale_balie/citizen/too_many_requests.html" in [t.name for t in answers[-1].templates]
    with django_assert_max_num_queries(8):  # serving the counter page's 429, none of the walk-in (a ticket: 25)
        assert ticket_from("198.51.100.7", walk_in_page, service, "Nog een").status_code == 429
    assert ticket_from("198.51.100.8", walk_in_page, service, "Buur").status_code == 302  # another address


def test_a_full_queue_takes_no_ticket_and_says_so(walk_in_page, service, seat, frozen_now, settings, clerk):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "WALK_IN_QUEUE_LIMIT": 3}
    frozen_now.move_to(at(7, 10))
    answers = [ticket_from(f"198.51.100.{n}", walk_in_page, service, f"Burger {n}") for n in range(4)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 409]
    assert CallSession.objects.filter(is_walk_in=True).count() == 3
    assert answers[-1].context["closed"] == QueueFull.default_message
    assert str(QueueFull.default_message) in answers[-1].content.decode()
    first = CallSession.objects.order_by("ticket_number").first()
    sessions.start_call(first, clerk)  # served: no longer waiting, so there is room again
    assert ticket_from("198.51.100.9", walk_in_page, service, "Later").status_code == 302
