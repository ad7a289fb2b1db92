"""Slot computation and booking-page rendering, measured (printed, never asserted as time).

    python bench/slots.py                 # SQLite, and PostgreSQL when BALIE_TEST_POSTGRES is set
    python bench/slots.py --backend sqlite

Scenario: 60 days, 20 seats, 10,000 existing appointments. Prints the slot computation time, the
bare time of fetching the same rows (the floor), their ratio (target ≤ 2×), the number of SQL
queries (target: constant, ≤ 5), and the render time of a page carrying the booking block against a
plain page of the same site (target ratio ≤ 1.5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS, SEATS, APPOINTMENTS, REPEAT = 60, 20, 10_000, 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.backend:
        run(args.backend)
        return
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not os.environ.get("BALIE_TEST_POSTGRES"):
            print("postgres: skipped (set BALIE_TEST_POSTGRES=postgresql://user:pass@host/db)")
            continue
        subprocess.run([sys.executable, __file__, "--backend", backend], check=True)


def run(backend: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.test")
    if backend == "sqlite":
        os.environ.pop("BALIE_TEST_POSTGRES", None)
        os.environ["BALIE_TEST_SQLITE"] = str(ROOT / "var" / "bench.sqlite3")
        (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        measure(backend)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build():
    from django.utils import timezone

    from digitale_balie_plugin.cms.models import DigitalCounterPage
    from digitale_balie_plugin.models import Appointment, AvailabilityRule, CounterSeat, Service
    from tests.factories import SiteFactory

    site = SiteFactory(is_default_site=True, hostname="localhost")
    service = Service.objects.create(
        site=site,
        name="Bench",
        slug="bench",
        duration_minutes=15,
        buffer_minutes=5,
        min_lead_hours=0,
        horizon_days=DAYS,
    )
    seats = [CounterSeat.objects.create(site=site, name=f"Loket {i}") for i in range(SEATS)]
    for seat in seats:
        seat.services.add(service)
    from datetime import time as dtime

    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(seat=seat, weekday=day, start_time=dtime(8), end_time=dtime(18))
        for seat in seats
        for day in range(7)
    )
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    per_day = APPOINTMENTS // DAYS
    rows = []
    for index in range(APPOINTMENTS):
        day, slot = divmod(index, per_day)
        begin = start + timedelta(days=day % DAYS, minutes=(slot // SEATS) * 20)
        rows.append(
            Appointment(
                site=site,
                service=service,
                seat=seats[slot % SEATS],
                start=begin,
                end=begin + timedelta(minutes=15),
                reserved_until=begin + timedelta(minutes=20),
                citizen_name="Bench",
                email="bench@example.be",
                reference=f"B{index:07d}",
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=2000)
    from example_site.home.models import ContentPage

    text = ("text", "<p>" + "Informatie over de dienstverlening van de stad. " * 20 + "</p>")
    block = ("appointment_booking", {"heading": "Afspraak", "intro": "", "services": []})
    plain = site.root_page.add_child(instance=ContentPage(title="Plain", slug="plain", body=[text]))
    with_block = site.root_page.add_child(instance=ContentPage(title="Booking", slug="booking", body=[text, block]))
    assert DigitalCounterPage.objects.exists()
    return site, service, plain, with_block


def timed(func, repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure(backend: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from digitale_balie_plugin.booking import availability
    from digitale_balie_plugin.models import Appointment, AvailabilityRule, Closure, CounterSeat

    site, service, plain_page, booking_page = build()

    def fetch_rows():
        seat_ids = list(CounterSeat.objects.filter(services=service).values_list("id", flat=True))
        list(
            AvailabilityRule.objects.filter(seat_id__in=seat_ids).values_list(
                "seat_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
            )
        )
        list(Closure.objects.filter(site=site).values_list("start", "end", "seat_id"))
        list(
            Appointment.objects.filter(seat_id__in=seat_ids, status="booked").values_list(
                "seat_id", "start", "reserved_until"
            )
        )

    floor = timed(fetch_rows)
    compute = timed(lambda: availability.free_slots(service))
    connection.queries_log.clear()  # a full log (maxlen 9000) would hide new queries
    with CaptureQueriesContext(connection) as queries:
        slots = availability.free_slots(service)
    query_count = len(queries)  # read now: each test-client request resets the query log
    client = Client()
    plain_url, booking_url = plain_page.url, booking_page.url
    client.get(plain_url), client.get(booking_url)
    plain = timed(lambda: client.get(plain_url), repeat=41)  # short and noisy: more samples
    with_block = timed(lambda: client.get(booking_url), repeat=41)

    print(
        f"\n{backend}: {DAYS} days, {SEATS} seats, {Appointment.objects.count()} appointments, {len(slots)} free slots"
    )
    print(f"  fetch the rows (floor)      {floor * 1000:8.1f} ms")
    print(f"  compute free slots          {compute * 1000:8.1f} ms   ratio {compute / floor:5.2f}x (target <= 2)")
    print(f"  SQL queries per computation {query_count:8d}      (target: constant, <= 5)")
    print(f"  plain page render           {plain * 1000:8.1f} ms")
    print(
        f"  page with booking block     {with_block * 1000:8.1f} ms   ratio {with_block / plain:5.2f}x (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
