"""The crowd part of ``bench/load.py``: waiting citizens and clerks at their real pace, against the counter's
endpoints and then against the floor (a bare Django view through the same server, at the same load).
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from bench.load.profile import ROOT, LoadProfile
from tests.production.conftest import HOST

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
#: What each kind offers per browser and second: a poll every 3 s; a heartbeat on the first tick 10 s after the
#: last one, so every 12 s (the page's own timer beats every 10 s: locust's is a little gentler).
OFFERED = {"citizen poll": 1 / 3, "heartbeat": 1 / 12, "clerk poll": 1 / 3}
FLOOR_OF = {kind: f"floor ({kind})" for kind in OFFERED}


def run_level(profile: LoadProfile, url: str, crowd: Path, citizens: int, clerks: int, duration: int, *,
              arrivals: int, settle: int, floor: bool, server_pid: int) -> dict:  # fmt: skip
    database_pid = profile.postgres.pid()
    """One headless locust run: ``arrivals`` browsers start a second (the arrival), ``settle`` seconds later the
    figures start again (bench/load/measure.py) and run for ``duration`` seconds (the steady state). Returns
    the steady state's statistics per request name, from locust's CSV, with the arrival's, the SQL statements
    per request of each kind and the cores each side used during the whole run."""
    prefix = profile.workdir / f"locust-{citizens}-{'floor' if floor else 'counter'}-{time.monotonic_ns()}"
    users = citizens + clerks
    environment = {
        **os.environ,
        "BALIE_LOAD_CROWD": str(crowd),
        "BALIE_LOAD_CITIZENS": str(citizens),
        "BALIE_LOAD_CLERKS": str(clerks),
        "BALIE_LOAD_HOST": HOST,
        "BALIE_LOAD_FLOOR": "1" if floor else "0",
        "BALIE_LOAD_QUERIES": f"{prefix}_queries.json",
        "BALIE_LOAD_ARRIVALS": f"{prefix}_arrivals.json",
        "BALIE_LOAD_SETTLE": str(settle),
        "PYTHONPATH": str(ROOT),
    }
    spawn_rate = arrivals
    citizen = json.loads(crowd.read_text())["probe"]
    probe = Probe(url, citizen, floor, after=users // spawn_rate + settle, duration=duration)
    probe.start()
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "-u", str(users), "-r", str(spawn_rate), "-t", f"{users // spawn_rate + settle + duration + 2}s",
        "--host", url, "--csv", str(prefix), "--csv-full-history", "--loglevel", "WARNING",
    ]  # fmt: skip
    server_before, database_before = cpu_seconds(server_pid), cpu_seconds(database_pid)
    subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)
    probe.join()
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    for part in ("queries", "arrivals"):
        written = Path(f"{prefix}_{part}.json")
        stats[part] = json.loads(written.read_text()) if written.exists() else {}
    # Who used the two cores: the load generator (locust) and the app server (gunicorn and its workers; a worker
    # recycled by max_requests takes its CPU time with it, so the bench runs with --max-requests 0).
    stats["probe"] = probe.figures()
    stats["arrival_rate"] = arrivals
    stats["cpu"] = {
        "generator": used / wall,
        "server": (cpu_seconds(server_pid) - server_before) / wall,
        # (the backends alive at both ends: one that exited took its time with it)
        "database": max(0.0, cpu_seconds(database_pid) - database_before) / wall,
    }
    return stats


class Probe(threading.Thread):
    """One more waiting citizen outside the load generator: its unchanged poll (or the floor) 20 times a second
    on one kept-alive connection, timed in this otherwise idle process during the steady state.

    Why: locust's event loop, with thousands of browsers in one process, adds its own wait to what it measures
    (the same 850 requests a second against a bare WSGI app: p50 6 ms from 205 browsers, 59 ms from 2,050; 32 ms
    from two locust processes). Its figures compare the counter with the floor fairly (both carry it); the
    probe says what one browser waits on the server itself."""

    INTERVAL = 0.05

    def __init__(self, url: str, citizen: dict, floor: bool, *, after: float, duration: float):
        super().__init__(daemon=True)
        self.port = int(url.rsplit(":", 1)[1])
        self.path = "/bench-floor/" if floor else f"/digitale-balie/live/room/{citizen['session']}/"
        self.headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.99",
            "Cookie": f"{citizen['cookie']}={citizen['token']}",
        }
        self.after, self.duration = after, duration
        self.times: list[float] = []
        self.errors = 0

    def run(self) -> None:
        time.sleep(self.after)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(self.headers)
        etag = self._get(connection, headers, timed=False)
        if etag:
            headers["If-None-Match"] = etag
        until = time.monotonic() + self.duration
        while time.monotonic() < until:
            self._get(connection, headers, timed=True)
            time.sleep(self.INTERVAL)

    def _get(self, connection: http.client.HTTPConnection, headers: dict, *, timed: bool) -> str:
        started = time.perf_counter()
        try:
            connection.request("GET", self.path, headers=headers)
            answer = connection.getresponse()
            answer.read()
        except (OSError, http.client.HTTPException):
            self.errors += 1
            connection.close()
            return ""
        if timed:
            self.times.append((time.perf_counter() - started) * 1000)
        if answer.status not in (200, 304):
            self.errors += 1
        return answer.getheader("ETag", "")

    def figures(self) -> dict:
        if len(self.times) < 20:
            return {}
        cuts = statistics.quantiles(self.times, n=100)
        return {"requests": len(self.times), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "errors": self.errors}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its children so far."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def report(citizens: int, clerks: int, counter: dict, floor: dict | None) -> dict:
    """Print one level; returns each kind's p95 as a multiple of the floor's (the target: ≤ 2)."""
    print(f"\n{citizens} waiting citizens + {clerks} clerks")
    print(f"{'kind':<22}{'offered/s':>10}{'served/s':>10}{'p50':>7}{'p95':>7}{'p99':>7}{'fails':>7}{'SQL/req':>9}"
          f"{'× floor p95':>13}")  # fmt: skip
    ratios = {}
    for kind, per_browser in OFFERED.items():
        offered = per_browser * (clerks if kind == "clerk poll" else citizens)
        rows = [(kind, counter)] + ([(FLOOR_OF[kind], floor)] if floor else [])
        for name, stats in rows:
            row = stats.get(name)
            if row is None:
                print(f"{name:<22} no requests")
                continue
            queries = stats["queries"].get(name)
            per_request = f"{queries['statements'] / queries['requests']:.2f}" if queries else "–"
            ratio = ""
            if name == kind and floor and floor.get(FLOOR_OF[kind]):
                ratios[kind] = float(row["95%"]) / max(float(floor[FLOOR_OF[kind]]["95%"]), 1.0)
                ratio = f"{ratios[kind]:.1f}"
            print(
                f"{name:<22}{offered:>10.0f}{float(row['Requests/s']):>10.0f}{row['50%']:>7}{row['95%']:>7}"
                f"{row['99%']:>7}{row['Failure Count']:>7}{per_request:>9}{ratio:>13}"
            )
    print("(milliseconds; the floor: the same browsers at the same pace asking /bench-floor/)")
    arrivals = [(kind, counter["arrivals"].get(kind)) for kind in OFFERED]
    if any(row for _kind, row in arrivals):
        print(f"the arrival ({counter['arrival_rate']} browsers a second, until the steady state): "
              + "; ".join(f"{kind} p50/p95 {row['p50']:.0f}/{row['p95']:.0f} ms, {row['failures']} fails"
                          for kind, row in arrivals if row))  # fmt: skip
    for name, stats in (("counter", counter), ("floor", floor)):
        if stats and stats["probe"]:
            probe = stats["probe"]
            print(f"the probe ({'an unchanged citizen poll' if name == 'counter' else 'the floor'}, one connection, "
                  f"{probe['requests']} requests): p50 {probe['p50']:.1f}, p95 {probe['p95']:.1f}, "
                  f"p99 {probe['p99']:.1f} ms, {probe['errors']} errors")  # fmt: skip
    for name, stats in (("counter", counter), ("floor", floor)):
        if stats:
            cpu = stats["cpu"]
            print(f"cores used during the {name} run: locust {cpu['generator']:.2f}, gunicorn {cpu['server']:.2f}, "
                  f"PostgreSQL {cpu['database']:.2f}")  # fmt: skip
    return ratios
