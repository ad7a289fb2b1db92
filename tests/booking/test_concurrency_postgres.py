"""50 people try to book the last free seat at the same moment, on PostgreSQL: exactly one wins."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from digitale_balie_plugin.models import Appointment, SeatReservation
from tests.conftest import require
from tests.fixtures import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 50


@pytest.fixture(autouse=True)
def _postgres_only():
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (set BALIE_TEST_POSTGRES)")


def test_fifty_concurrent_requests_for_the_last_seat(service, seat, counter_page, frozen_now):
    from datetime import UTC

    slot = at(8, 11).astimezone(UTC).strftime("%Y%m%dT%H%MZ")
    url = counter_page.url + "book/identiteitskaart/details/"
    barrier = threading.Barrier(ATTEMPTS)

    def attempt(index):
        try:
            client = Client(REMOTE_ADDR=f"10.0.{index // 250}.{index % 250}")
            data = {
                "slot": slot,
                "channel": "video",
                "name": f"Burger {index}",
                "email": f"b{index}@example.be",
                "language": "nl",
            }
            details = client.post(url, data)  # step 2; the booking POST is the check page's (step 3)
            assert details.status_code == 303, details.status_code
            key = re.search(r'name="key" value="([^"]+)"', client.get(details["Location"]).content.decode()).group(1)
            barrier.wait(timeout=30)
            response = client.post(details["Location"], {"key": key})
            return response.status_code, response.content.decode()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        results = list(pool.map(attempt, range(ATTEMPTS)))

    statuses = [status for status, _ in results]
    assert statuses.count(303) == 1, statuses
    assert statuses.count(409) == ATTEMPTS - 1, statuses
    assert all("net genomen" in body or "just taken" in body for status, body in results if status == 409)
    assert Appointment.objects.count() == 1
    assert SeatReservation.objects.count() == 6
    assert set(SeatReservation.objects.values_list("appointment_id", flat=True)) == {Appointment.objects.get().pk}
