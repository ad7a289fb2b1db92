"""The load figure (issue 18): waiting citizens and clerks, a booking rush and a reminder fan-out against the
production profile on this machine — printed, never asserted.

    python bench/load.py                                  # everything (make bench-load)
    python bench/load.py --parts crowd --citizens 2000 --duration 30
    python bench/load.py --parts crowd --served gthread:2x4,gthread:4x2 --citizens 2000 --no-floor

The production profile of tests/production serves (bench/load/profile.py: its own PostgreSQL cluster with fsync
on, Redis, an S3-compatible store, the example production settings, gunicorn with deploy/gunicorn.conf.py);
locust (``pip install -e '.[bench]'``) in a second process plays the browsers, open loop (``constant_pacing``).

- **crowd**: every citizen polls its room's state every 3 s (If-None-Match) and beats every 10 s, every clerk polls
  its seat every 3 s. The browsers arrive at ``--arrivals`` a second (50; the arrival is reported on its own),
  ``--settle`` seconds later (30) the steady state is measured for ``--duration`` seconds (60). Each level runs
  twice: the counter's endpoints, then the same browsers at the same pace asking a bare Django view through the
  same server (the floor at the same load). Per kind: requests/s against what was offered, p50/p95/p99,
  failures, SQL statements per request, and p95 as a multiple of the floor's (target ≤ 2×). A probe outside
  locust (one more citizen, 20 polls a second on one connection) says what a browser waits on the server
  itself: locust's own event loop adds tens of milliseconds with thousands of browsers in one process.
  ``--arrivals 205 --settle 0 --duration 30`` is the harsher protocol of the issue (everybody within 10 s,
  measured at once).
- **rush**: 200 citizens open a service's booking page within 5 s and book one of its 18 free times, on two app
  servers, twice: people (the form filled in within 5–45 s, so all book within the same minute) and a crowd of
  scripts at the form's minimum fill time (bench/load/rush.py): booked, refused (409), errors, double bookings
  in the database, each step's p50/p95/p99 and SQL per request.
- **fan-out**: 10,000 due reminders through two worker clusters (bench/load/fanout.py): time per 1,000, and
  exactly one message per appointment.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import crowd, fanout, rush  # noqa: E402 - after the path
from bench.load.profile import LoadProfile, Served  # noqa: E402

#: The served configuration the operator docs recommend (chosen with this bench; docs/operator.md, "Capacity").
SERVED = "gthread:2x4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="crowd,rush,fanout", help="which parts, comma separated")
    parser.add_argument("--citizens", default="500,1000,2000", help="crowd levels, comma separated")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured per crowd level (steady state)")
    parser.add_argument("--arrivals", type=int, default=50, help="browsers arriving a second (the ramp)")
    parser.add_argument("--settle", type=int, default=30, help="seconds between the arrival and the steady state")
    parser.add_argument("--served", default=SERVED, help="worker class:processes x threads, comma separated")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor runs (comparing configurations)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="more server settings")
    parser.add_argument("--rush", type=int, default=200, help="citizens in the booking rush")
    parser.add_argument("--reminders", type=int, default=10_000, help="due reminders in the fan-out")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    levels = [int(level) for level in args.citizens.split(",")]
    settings = dict(setting.split("=", 1) for setting in args.set)
    settings.setdefault("GUNICORN_MAX_REQUESTS", "0")  # a recycled worker takes its CPU time with it

    with LoadProfile(**settings) as profile:
        print(f"this machine: {os.cpu_count()} cores; PostgreSQL (fsync on) + Redis; gunicorn with "
              f"deploy/gunicorn.conf.py; {', '.join(f'{k}={v}' for k, v in settings.items())}")  # fmt: skip
        if "crowd" in parts:
            crowd_file = profile.workdir / "crowd.json"
            crowd_file.write_text(
                profile.shell(f"from bench.load import seed; print(seed.crowd({max(levels)}, {args.clerks}))")
            )
            for served in map(Served.parse, args.served.split(",")):
                server = profile.app_server("load-web", served)
                print(f"\n== crowd: {served}; locust open loop; {args.duration} s per level")
                try:
                    for citizens in levels:
                        options = {"server_pid": server.process.pid, "settle": args.settle, "arrivals": args.arrivals}
                        common = (profile, server.url, crowd_file, citizens, args.clerks, args.duration)
                        counter = crowd.run_level(*common, floor=False, **options)
                        floor = None if args.no_floor else crowd.run_level(*common, floor=True, **options)
                        crowd.report(citizens, args.clerks, counter, floor)
                finally:
                    server.stop()
                    profile.processes.remove(server)
        served = Served.parse(args.served.split(",")[0])
        if "rush" in parts:
            rush.run(profile, served, args.rush)
        if "fanout" in parts:
            fanout.run(profile, args.reminders)


if __name__ == "__main__":
    main()
