"""What bench/load.py relies on to count honestly: the rush's service has exactly the free times it promises,
double bookings are found when there are some, and the bench middleware counts every SQL statement."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from bench.load import seed
from digitale_balie_plugin.booking.availability import free_slots
from digitale_balie_plugin.models import Service
from example_site.bench import QueryCountMiddleware
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_the_rush_service_offers_exactly_the_places_asked_for(seat):
    rush = json.loads(seed.rush_service(18))
    service = Service.objects.get(slug=seed.RUSH_SERVICE)
    assert len(rush["slots"]) == 18 == len(free_slots(service))
    assert rush["path"] == f"/digitale-balie/book/{seed.RUSH_SERVICE}/"
    assert json.loads(seed.rush_outcome()) == {"booked": 0, "double_booked": 0}


def test_double_bookings_are_counted(seat):
    seed.rush_service(18)
    service = Service.objects.get(slug=seed.RUSH_SERVICE)
    desk = service.seats.get()
    first = free_slots(service)[0]

    def book(start, name):
        return AppointmentFactory(service=service, seat=desk, start=start, citizen_name=name)

    book(first.start, "an")
    book(first.start + timedelta(minutes=15), "bert")  # the next time: no overlap
    assert json.loads(seed.rush_outcome()) == {"booked": 2, "double_booked": 0}
    book(first.start, "chris")  # the same time as An
    assert json.loads(seed.rush_outcome()) == {"booked": 3, "double_booked": 2}


def test_the_bench_middleware_counts_every_statement(db):
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Bench-Queries"] == "2"
