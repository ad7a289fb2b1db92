"""The slot computation costs a fixed number of queries, whatever the number of appointments."""

from datetime import timedelta

import pytest

from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.models import Appointment
from tests.factories import SeatFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db


def _fill(service, seats, count):
    start = at(8, 9)
    rows = []
    for index in range(count):
        begin = start + timedelta(days=index // 30, minutes=(index % 6) * 30)
        rows.append(
            Appointment(
                site=service.site,
                service=service,
                seat=seats[index % len(seats)],
                start=begin,
                end=begin + timedelta(minutes=20),
                reserved_until=begin + timedelta(minutes=30),
                citizen_name="x",
                email="x@example.be",
                reference=f"R{index:07d}",
            )
        )
    Appointment.objects.bulk_create(rows)


@pytest.mark.parametrize("appointments", [0, 10, 600])
def test_free_slots_uses_four_queries(service, django_assert_num_queries, appointments):
    seats = [SeatFactory(services_for=service) for _ in range(5)]
    _fill(service, seats, appointments)
    with django_assert_num_queries(4):
        slots = free_slots(service)
    assert slots
