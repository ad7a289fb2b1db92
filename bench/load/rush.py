"""The booking rush of ``bench/load.py``: citizens who all open one service's booking page within five seconds
and book, many the same time, on two app servers (bench/load/rushfile.py plays them in locust).

Printed: booked, refused (409) and errors as the browsers saw them; what the database holds afterwards (booked
appointments, and double bookings — two appointments sharing a seat and a time; must be 0); each step's p50,
p95, p99 and SQL statements per request.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.load.profile import ROOT, LoadProfile, Served
from tests.production.conftest import HOST

RUSHFILE = ROOT / "bench" / "load" / "rushfile.py"
PLACES = 18
SPREAD = 5  # seconds over which the citizens arrive
STEPS = ("rush: times", "rush: form", "rush: details", "rush: check", "rush: book")


#: How long the citizens take to fill in the form (seconds, from–to): people, and a crowd of scripts at the form's
#: minimum fill time (``BOOKING_MIN_FILL_SECONDS``, 3).
CROWDS = {"people": (5, 45), "scripts": (3.2, 3.2)}


def run(profile: LoadProfile, served: Served, citizens: int) -> None:
    for crowd, fill in CROWDS.items():
        run_one(profile, served, citizens, crowd, fill)


def run_one(profile: LoadProfile, served: Served, citizens: int, crowd: str, fill: tuple[float, float]) -> None:
    slug = f"bench-stormloop-{crowd}"
    rush = profile.workdir / f"rush-{crowd}.json"
    rush.write_text(profile.shell(f"from bench.load import seed; print(seed.rush_service({PLACES}, '{slug}'))"))
    servers = [profile.app_server(f"rush-web{n}", served) for n in (1, 2)]
    for server in servers:  # servers that have served before (templates compiled, connections open)
        warm_up(server.url, json.loads(rush.read_text())["path"], served.workers * served.threads)
    prefix = profile.workdir / f"rush-{crowd}"
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BALIE_LOAD_RUSH": str(rush),
        "BALIE_LOAD_SERVERS": ",".join(server.url for server in servers),
        "BALIE_LOAD_HOST": HOST,
        "BALIE_LOAD_OUTCOMES": f"{prefix}_outcomes.json",
        "BALIE_LOAD_FILL_SECONDS": ",".join(map(str, fill)),
        "BALIE_LOAD_QUERIES": f"{prefix}_queries.json",
    }
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(RUSHFILE), "--headless", "--only-summary",
        "-u", str(citizens), "-r", str(citizens / SPREAD), "-t", f"{SPREAD + fill[1] + 30:.0f}s",
        "--host", servers[0].url, "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)
    wall = time.monotonic() - started
    for server in servers:
        server.stop()
        profile.processes.remove(server)
    outcomes = json.loads(Path(f"{prefix}_outcomes.json").read_text())
    queries = json.loads(Path(f"{prefix}_queries.json").read_text())
    stored = json.loads(profile.shell(f"from bench.load import seed; print(seed.rush_outcome('{slug}'))"))
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}

    print(f"\n== booking rush ({crowd}: the form filled in within {fill[0]:g}–{fill[1]:g} s): {citizens} citizens "
          f"open the page within {SPREAD} s, {PLACES} free times, two app servers ({served} each)")  # fmt: skip
    errors = {outcome: n for outcome, n in outcomes.items() if outcome.startswith("error")}
    resent = outcomes.pop("resent on a new connection", 0)
    booked, refused, journeys = outcomes.get("booked", 0), outcomes.get("refused", 0), sum(outcomes.values())
    print(f"the browsers saw: {booked} booked, {refused} refused (409), {sum(errors.values())} errors "
          f"{errors or ''}; {journeys} journeys in {wall:.0f} s; {resent} requests resent after the server closed "
          "an idle kept-alive connection as they left (as a browser does)")  # fmt: skip
    print(f"the database holds: {stored['booked']} booked appointments, {stored['double_booked']} double bookings")
    print(f"{'step':<16}{'requests':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'fails':>7}{'SQL/req':>9}")
    for step in STEPS:
        row = stats.get(step)
        if row is None:
            continue
        counted = queries.get(step)
        per_request = f"{counted['statements'] / counted['requests']:.1f}" if counted else "–"
        print(f"{step:<16}{row['Request Count']:>9}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
              f"{row['Failure Count']:>7}{per_request:>9}")  # fmt: skip
    print("(milliseconds)")


def warm_up(url: str, path: str, times: int) -> None:
    """Ask each of a server's threads for the booking page once, before the rush."""
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"}
    with ThreadPoolExecutor(times) as pool:
        list(pool.map(lambda _n: requests.get(url + path, headers=headers, timeout=30), range(times * 2)))
