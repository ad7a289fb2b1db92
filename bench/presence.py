"""The waiting room's heartbeat and state poll and the clerk's poll under load, over HTTP (printed, never asserted).

    python bench/presence.py                  # SQLite, and PostgreSQL when BALIE_TEST_POSTGRES is set
    python bench/presence.py --backend sqlite --duration 10 --connections 200 --threads 8

Scenario: 200 waiting citizens (each with its own conversation and room cookie) spread over 10 counter
seats, one logged-in clerk per seat, in a throwaway test database. The example site is served by a
real multi-threaded WSGI server in its own process (waitress when installed — ``pip install waitress``
into the venv, for the benchmark only — else the threaded server of Django's runserver), with the
cache in Redis (``BALIE_TEST_REDIS``, default redis://127.0.0.1:6379/0) when reachable, else LocMem
inside that one server process. The same server also mounts a bare Django view returning "ok" at
/bench-floor/: the floor, through the same middleware, server and client.

A second process on loopback (wrk when on the PATH, else an asyncio HTTP/1.1 keep-alive client in
Python) keeps --connections keep-alive connections (default: one per citizen) busy for --duration
seconds per row, each sending the next request as soon as the previous one is answered (closed loop,
so p50/p95 include the queueing at saturation), cycling through every citizen's prepared requests:

    floor          GET /bench-floor/                                  → 200
    citizen poll   GET /digitale-balie/live/room/<id>/ + If-None-Match → 304 (room cookie)
    heartbeat      POST /digitale-balie/live/room/<id>/heartbeat/     → 204 (room cookie, CSRF pair)
    clerk poll     GET /digitale-balie/live/seat/<id>/ + If-None-Match + X-Balie-Poll → 304 (session cookie)
    mixed          the real proportions: polls every 3 s, heartbeats every 10 s, consoles every 3 s

The rows run in --rounds rounds (default 3): floor, citizen poll, heartbeat, clerk poll, mixed, and one
last floor after the last round. A row's ratio is its median requests/s over the rounds against the
median of all the floor rows (target ≥ 0.7), with the range of its rounds against that same floor: a
stall of the machine (a shared VM pauses now and then for a second) in one row, floor or not, shows
as a wide range instead of a wrong figure. Also per row: the median requests/s, p50 and p95 latency,
the status codes seen over all rounds, and the SQL queries of one unchanged request of that endpoint,
counted in-process with CaptureQueriesContext (target ≤ 1 per poll). Before each row, every citizen
sends a heartbeat and the current ETags are fetched, so that nobody "arrives" (and changes the ETags)
during a row of at most 25 s (the presence timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIZENS, SEATS, DURATION, THREADS, ROUNDS = 200, 10, 6, 8, 3
HOST = "127.0.0.1"
SQLITE_FILE = ROOT / "var" / "bench-presence.sqlite3"
SERVER_LOG = ROOT / "var" / "bench-presence-server.log"
#: (kind of requests, title), in the order of a round. The floor starts every round and ends the last.
ROWS = [
    ("floor", "floor: bare Django view"),
    ("poll", "citizen poll (304)"),
    ("heartbeat", "heartbeat POST (204)"),
    ("clerk", "clerk poll (304)"),
    ("mixed", "mixed, real proportions"),
]
POLL_SECONDS, HEARTBEAT_SECONDS, CONSOLE_SECONDS = 3, 10, 3  # as in room.js and the console's live.js

#: ROOT_URLCONF of both processes is this module ("__main__"): the example site plus the floor view.
urlpatterns: list = []


@dataclass
class Citizen:
    session_id: int
    seat_id: int
    token: str  # the raw room cookie value
    csrf: str  # a csrftoken cookie, sent back as X-CSRFToken (what the page's JavaScript does)


@dataclass
class Clerk:
    seat_id: int
    user: object
    session_key: str


@dataclass
class Result:
    requests: int
    seconds: float
    p50: float
    p95: float
    statuses: dict
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def main() -> None:
    """Every backend in its own process (as bench/slots.py), or one of the helper processes."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--citizens", type=int, default=CITIZENS, help="waiting citizens (default %(default)s)")
    parser.add_argument("--seats", type=int, default=SEATS, help="counter seats, one clerk each (default %(default)s)")
    parser.add_argument("--connections", type=int, help="concurrent connections (default: one per citizen)")
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds per row (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of every row (default %(default)s)")
    parser.add_argument("--threads", type=int, default=THREADS, help="server threads (default %(default)s)")
    parser.add_argument("--server", choices=["auto", "waitress", "django"], default="auto", help="WSGI server")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="load generator")
    # The two helper processes (the server, the Python load generator) run this same file:
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--db-name", help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cache-prefix", default="", help=argparse.SUPPRESS)
    parser.add_argument("--load", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.connections = args.connections or args.citizens
    if args.server == "auto":
        args.server = "waitress" if importlib.util.find_spec("waitress") else "django"
    if args.load:
        print(json.dumps(asyncio.run(hammer(json.loads(Path(args.load).read_text())))))
        return
    if args.serve:
        serve(args)
        return
    if args.backend:
        run(args.backend, args)
        return
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not os.environ.get("BALIE_TEST_POSTGRES"):
            print("postgres: skipped (set BALIE_TEST_POSTGRES=postgresql://user:pass@host/db)")
            continue
        subprocess.run([sys.executable, __file__, "--backend", backend, *sys.argv[1:]], check=True)


# --- settings, shared by the measuring process and the server ---------------------------------------


def redis_url() -> str:
    """The Redis cache to share between the processes, or "" when django-redis or the server is missing."""
    url = os.environ.get("BALIE_TEST_REDIS", "redis://127.0.0.1:6379/0")
    if not (importlib.util.find_spec("django_redis") and importlib.util.find_spec("redis")):
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return ""
    return url


def configure(backend: str, server: str, cache_url: str, prefix: str) -> None:
    """The test settings, adjusted before ``django.setup()``: this URLconf, a shared cache, production's DB pooling.

    The cache keys carry a per-run prefix: Redis may be shared with other test runs.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings.test"
    if backend == "sqlite":
        os.environ.pop("BALIE_TEST_POSTGRES", None)
        os.environ["BALIE_TEST_SQLITE"] = str(SQLITE_FILE)
        SQLITE_FILE.parent.mkdir(exist_ok=True)
    elif not os.environ.get("BALIE_TEST_POSTGRES"):
        sys.exit("postgres: set BALIE_TEST_POSTGRES=postgresql://user:pass@host/db")
    from django.conf import settings

    settings.DEBUG = False
    settings.ROOT_URLCONF = "__main__"
    if cache_url:
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": cache_url,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}}
    database = settings.DATABASES["default"]
    # As in production: a persistent connection per server thread. Django's fallback server runs a
    # thread per client connection (200 of them), too many for PostgreSQL's max_connections: there,
    # every request opens its own connection.
    database.update(CONN_MAX_AGE=60 if backend == "sqlite" or server == "waitress" else 0, CONN_HEALTH_CHECKS=True)
    if backend == "postgres":
        database["TEST"] = {"NAME": f"test_balie_presence_{os.getpid()}"}  # never clobber a concurrent test run


def floor(request):
    """The floor: the cheapest Django view, through the same middleware, server and client."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def install_urls() -> None:
    """Fill this module's ``urlpatterns``: the floor, then the example site's own URLs."""
    from django.urls import path

    from example_site.urls import urlpatterns as site

    urlpatterns[:] = [path("bench-floor/", floor), *site]


# --- the measuring process --------------------------------------------------------------------------


def run(backend: str, args) -> None:
    """One backend: a throwaway test database (and cache prefix) around the measurement."""
    cache_url, prefix = redis_url(), f"balie-presence-{os.getpid()}"
    configure(backend, args.server, cache_url, prefix)
    import django

    django.setup()
    install_urls()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        measure(backend, args, db_name, cache_url, prefix)
    finally:
        if cache_url:
            from django.core.cache import cache

            cache.delete_pattern("*")  # this run's prefix only
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build(citizens: int, seats: int) -> tuple[list[Citizen], list[Clerk]]:
    """Seats with a clerk group and one clerk each; conversations of today with a citizen's room cookie each."""
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from bench.load.seed import clerk_desk
    from digitale_balie_plugin.models import CallSession, ParticipantAccess
    from tests.factories import SiteFactory

    site = SiteFactory(is_default_site=True, hostname="localhost")
    clerks = []
    for index in range(seats):
        seat, user, session = clerk_desk(site, index)
        clerks.append(Clerk(seat.pk, user, session))
    people = []
    now = timezone.now()
    for index in range(citizens):
        clerk = clerks[index % seats]
        session = CallSession.objects.create(
            site=site, seat_id=clerk.seat_id, citizen_name=f"Burger {index}", planned_start=now, room_name=f"b{index}"
        )
        raw, _ = ParticipantAccess.issue(session, ParticipantAccess.Role.CITIZEN, session.citizen_name)
        people.append(Citizen(session.pk, clerk.seat_id, raw, get_random_string(32)))
    return people, clerks


def room_url(citizen: Citizen, suffix: str = "") -> str:
    """The citizen's state endpoint, or with ``suffix="heartbeat/"`` the heartbeat."""
    return f"/digitale-balie/live/room/{citizen.session_id}/{suffix}"


def room_cookie(citizen: Citizen) -> str:
    """The HttpOnly cookie the join link leaves in the citizen's browser."""
    return f"balie_room_{citizen.session_id}={citizen.token}"


def measure(backend: str, args, db_name: str, cache_url: str, prefix: str) -> None:
    """Build the data, start the server, warm it up with the floor, run every row, count queries, print."""
    citizens, clerks = build(args.citizens, args.seats)
    port = free_port()
    client = load_client(args.client)
    results: dict[str, list[Result]] = {kind: [] for kind, _ in ROWS}
    with SERVER_LOG.open("w") as log:
        server = start_server(backend, args, port, db_name, cache_url, prefix, log)
        try:
            wait_until_up(server, port)
            generate(client, port, [("GET", "/bench-floor/", {})], min(2.0, args.duration), args.connections)
            for kind in [kind for _round in range(args.rounds) for kind, _ in ROWS] + ["floor"]:
                requests = row_requests(port, citizens, clerks)[kind]
                results[kind].append(generate(client, port, requests, args.duration, args.connections))
        finally:
            server.terminate()
            server.wait(timeout=20)
    queries = count_queries(citizens[0], clerks[0])
    report(backend, args, client, cache_url, results, queries)


def free_port() -> int:
    """A free TCP port on loopback for the server."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(backend: str, args, port: int, db_name: str, cache_url: str, prefix: str, log):
    """This file again, as the server: ``--serve PORT`` on the test database and the shared cache."""
    command = [sys.executable, __file__, "--backend", backend, "--serve", str(port), "--server", args.server]
    command += ["--db-name", db_name]
    command += ["--threads", str(args.threads), "--connections", str(args.connections), "--cache-prefix", prefix]
    command += ["--cache", cache_url] if cache_url else []
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(server, port: int, timeout: float = 60) -> None:
    """Poll the floor until the server answers; stop with its log when it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped; see {SERVER_LOG}:\n{SERVER_LOG.read_text()[-3000:]}")
        try:
            status, _ = fetch(http.client.HTTPConnection(HOST, port, timeout=5), "GET", "/bench-floor/")
        except OSError:
            time.sleep(0.2)
            continue
        assert status == 200, f"floor answered {status}"
        return
    sys.exit(f"the server did not answer within {timeout} s; see {SERVER_LOG}")


def fetch(
    connection, method: str, path: str, headers: dict | None = None, *, body: list | None = None
) -> tuple[int, str]:
    """One request on a kept-alive ``http.client`` connection: the status and the ETag (``body`` gets the JSON)."""
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    if body is not None and response.status == 200:
        body.append(json.loads(content))
    return response.status, response.getheader("ETag", "")


def row_requests(port: int, citizens: list[Citizen], clerks: list[Clerk]) -> dict[str, list]:
    """Every row's requests, made right before it runs: a heartbeat of every citizen, then the fresh ETags.

    A heartbeat after an absence marks an arrival, which changes the session's and the seat's ETag;
    after these beats, nobody arrives during the row (presence lasts 25 s), so the polls stay unchanged.
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    beats, polls, consoles = {}, {}, {}
    for citizen in citizens:
        headers = {"Cookie": f"{room_cookie(citizen)}; csrftoken={citizen.csrf}", "X-CSRFToken": citizen.csrf}
        beats[citizen.session_id] = ("POST", room_url(citizen, "heartbeat/"), headers)
        status, _ = fetch(connection, *beats[citizen.session_id])
        assert status == 204, f"heartbeat answered {status}"
    for citizen in citizens:
        status, etag = fetch(connection, "GET", room_url(citizen), {"Cookie": room_cookie(citizen)})
        assert status == 200 and etag, f"citizen state answered {status}"
        polls[citizen.session_id] = ("GET", room_url(citizen), {"Cookie": room_cookie(citizen), "If-None-Match": etag})
    for clerk in clerks:
        url, cookie = f"/digitale-balie/live/seat/{clerk.seat_id}/", {"Cookie": f"sessionid={clerk.session_key}"}
        state: list = []
        status, etag = fetch(connection, "GET", url, cookie, body=state)
        assert status == 200 and etag, f"clerk state answered {status}"
        # As console.js does: the poll token of the last full answer goes with the next polls.
        consoles[clerk.seat_id] = (
            "GET",
            url,
            {**cookie, "If-None-Match": etag, "X-Balie-Poll": state[0]["poll_token"]},
        )
    connection.close()
    return {
        "floor": [("GET", "/bench-floor/", {})],
        "poll": list(polls.values()),
        "heartbeat": list(beats.values()),
        "clerk": list(consoles.values()),
        "mixed": mixed(citizens, clerks, polls, beats, consoles),
    }


def mixed(citizens, clerks, polls, beats, consoles) -> list:
    """30 s of the real traffic, second by second, each browser on its own phase."""
    requests = []
    for second in range(30):
        for index, citizen in enumerate(citizens):
            if (second + index) % POLL_SECONDS == 0:
                requests.append(polls[citizen.session_id])
            if (second + index) % HEARTBEAT_SECONDS == 0:
                requests.append(beats[citizen.session_id])
        for index, clerk in enumerate(clerks):
            if (second + index) % CONSOLE_SECONDS == 0:
                requests.append(consoles[clerk.seat_id])
    return requests


def count_queries(citizen: Citizen, clerk: Clerk) -> dict[str, int]:
    """SQL queries of one unchanged request per endpoint, in-process through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def queries(client, method: str, url: str, expected: int, **extra) -> int:
        connection.queries_log.clear()  # a full log (maxlen 9000) would hide new queries
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url, **extra)
        assert response.status_code == expected, f"{url}: {response.status_code}"
        return len(captured)

    citizen_client, clerk_client = Client(), Client()
    citizen_client.cookies[f"balie_room_{citizen.session_id}"] = citizen.token
    citizen_client.post(room_url(citizen, "heartbeat/"))  # arrives again, if presence ran out meanwhile
    counts = {
        "floor": queries(Client(), "get", "/bench-floor/", 200),
        "heartbeat": queries(citizen_client, "post", room_url(citizen, "heartbeat/"), 204),
    }
    etag = citizen_client.get(room_url(citizen))["ETag"]
    counts["poll"] = queries(citizen_client, "get", room_url(citizen), 304, HTTP_IF_NONE_MATCH=etag)
    clerk_client.force_login(clerk.user)
    seat_url = f"/digitale-balie/live/seat/{clerk.seat_id}/"
    first = clerk_client.get(seat_url)
    etag, token = first["ETag"], first.json()["poll_token"]
    counts["clerk"] = queries(clerk_client, "get", seat_url, 304, HTTP_IF_NONE_MATCH=etag, HTTP_X_BALIE_POLL=token)
    return counts


def report(backend: str, args, client: str, cache_url: str, results: dict[str, list[Result]], queries: dict) -> None:
    """Print the setup, then one line per row."""
    demand = args.citizens / POLL_SECONDS + args.citizens / HEARTBEAT_SECONDS + args.seats / CONSOLE_SECONDS
    if args.server == "waitress":
        server = f"waitress {package_version('waitress')}, {args.threads} threads"
    else:
        server = "Django's threaded runserver server, a thread per connection (pip install waitress)"
    generator = "wrk (2 threads)" if client == "wrk" else "asyncio HTTP/1.1 client in Python (apt-get install wrk)"
    print(
        f"\n{backend}: {args.citizens} waiting citizens on {args.seats} seats, one clerk each;"
        f" their real demand (poll 3 s, heartbeat 10 s, console 3 s) is {demand:.0f} req/s"
    )
    print(f"  server: {server}, own process; cache: {f'Redis {cache_url}' if cache_url else 'LocMem (no Redis)'}")
    print(
        f"  load:   {generator}, {args.connections} keep-alive connections, {args.duration:g} s per row,"
        f" {args.rounds} rounds, loopback"
    )
    print(f"  {os.cpu_count()} CPUs shared by the server, the load generator, the database and Redis")
    print(f"  {'':28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}{'range':>12}{'SQL':>5}  statuses")
    floors = [result.per_second for result in results["floor"]]
    floor = median(floors)
    for kind, title in ROWS:
        rounds = results[kind] if kind == "floor" else results[kind][: args.rounds]
        ratios = [result.per_second / floor for result in rounds]
        statuses = Counter()
        for result in rounds:
            statuses.update(result.statuses)
        text = " ".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
        errors = sum(result.errors for result in rounds)
        text += f" socket-errors:{errors}" if errors else ""
        print(
            f"  {title:28}{median(r.per_second for r in rounds):9.0f}{median(r.p50 for r in rounds) * 1000:9.1f}"
            f"{median(r.p95 for r in rounds) * 1000:9.1f}{median(r.per_second for r in rounds) / floor:8.2f}"
            f"{f'{min(ratios):.2f}–{max(ratios):.2f}':>12}{queries.get(kind, '-'):>5}  {text}"
        )
    print(
        f"  ratio: a row's median req/s over the rounds against the floor rows' median, {floor:.0f} req/s"
        f" (floors {', '.join(f'{rate:.0f}' for rate in floors)}); range: its rounds; target >= 0.7"
    )
    print("  SQL: queries of one unchanged request, in-process (CaptureQueriesContext); target <= 1 per poll")


def package_version(name: str) -> str:
    """The installed version of a distribution (for the printed setup)."""
    from importlib.metadata import version

    return version(name)


# --- the load generator (a second process: wrk, or this file with --load) ----------------------------


def load_client(choice: str) -> str:
    """``wrk`` when asked for or on the PATH, else the Python generator of this file."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk); use --client python")
    return choice


def generate(client: str, port: int, requests: list, duration: float, connections: int) -> Result:
    """Run one row's load from a second process and return what it measured."""
    with tempfile.TemporaryDirectory() as folder:
        if client == "wrk":
            return run_wrk(Path(folder), port, requests, duration, connections)
        spec = Path(folder) / "spec.json"
        spec.write_text(
            json.dumps({"port": port, "requests": requests, "duration": duration, "connections": connections})
        )
        output = subprocess.run(
            [sys.executable, __file__, "--load", str(spec)], capture_output=True, text=True, check=True
        ).stdout
        return result(json.loads(output))


WRK_SCRIPT = r"""
-- Rotate over prepared requests (one a line: method, path, headers, tab-separated), count the status
-- codes per thread, and print one JSON line when done.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local prepared, position = {}, 0
statuses = {}

function init(args)
  for line in io.lines(args[1]) do
    local fields, headers = {}, {}
    for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
    for i = 3, #fields do
      local name, value = string.match(fields[i], "^([^:]+): (.*)$")
      headers[name] = value
    end
    local body = nil
    if fields[1] == "POST" then body = "" end
    table.insert(prepared, wrk.format(fields[1], fields[2], headers, body))
  end
  position = (id * 7919) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _)
  local counts, parts = {}, {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do counts[code] = (counts[code] or 0) + n end
  end
  for code, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "p50": %.6f, "p95": %.6f, "errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(95) / 1e6,
    errors, table.concat(parts, ", ")))
end
"""


def run_wrk(folder: Path, port: int, requests: list, duration: float, connections: int) -> Result:
    """wrk with WRK_SCRIPT, reading the requests from a file; its ``done`` prints one JSON line."""
    script, lines = folder / "bench.lua", folder / "requests.tsv"
    script.write_text(WRK_SCRIPT)
    lines.write_text(
        "".join(
            "\t".join([method, path, *(f"{name}: {value}" for name, value in headers.items())]) + "\n"
            for method, path, headers in requests
        )
    )
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "10s", "-s", str(script)]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}/", "--", str(lines)], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return result(json.loads(line.removeprefix("BENCH ")))


def result(data: dict) -> Result:
    """A generator's JSON summary as a Result (JSON object keys are strings: the status codes become ints)."""
    return Result(**{**data, "statuses": {int(code): count for code, count in data["statuses"].items()}})


async def hammer(spec: dict) -> dict:
    """The Python load generator: ``connections`` keep-alive connections, each sending as fast as answered."""
    port, duration, connections = spec["port"], spec["duration"], spec["connections"]
    raw = [encode(method, path, headers, f"{HOST}:{port}") for method, path, headers in spec["requests"]]
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = 0
    streams = await asyncio.gather(*(asyncio.open_connection(HOST, port) for _ in range(connections)))
    deadline = time.perf_counter() + duration

    async def browser(index: int, reader, writer) -> None:
        nonlocal errors
        position = index * len(raw) // connections
        while (sent := time.perf_counter()) < deadline:
            try:
                writer.write(raw[position % len(raw)])
                await writer.drain()
                status, close = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                errors, close = errors + 1, True
            else:
                if (answered := time.perf_counter()) <= deadline:
                    latencies.append(answered - sent)
                    statuses[status] += 1
            position += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
        writer.close()

    await asyncio.gather(*(browser(index, *stream) for index, stream in enumerate(streams)))
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": duration,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "statuses": dict(statuses),
        "errors": errors,
    }


def encode(method: str, path: str, headers: dict, host: str) -> bytes:
    """One HTTP/1.1 request as bytes (sent as is, over and over)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *(f"{name}: {value}" for name, value in headers.items())]
    if method == "POST":
        lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return its status and whether the server closes the connection."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:])}
    close = headers.get("connection", "").lower() == "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    elif status not in (204, 304):
        await reader.read()  # the body runs until the server closes
        close = True
    return status, close


def percentile(ordered: list[float], pct: int) -> float:
    """The nearest-rank percentile of sorted samples."""
    return ordered[min(len(ordered) - 1, len(ordered) * pct // 100)] if ordered else 0.0


# --- the server process (this file with --serve) -----------------------------------------------------


def serve(args) -> None:
    """The example site and the floor on 127.0.0.1: waitress when installed, else runserver's threaded server."""
    import logging

    configure(args.backend, args.server, args.cache, args.cache_prefix)
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = args.db_name
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    install_urls()
    logging.getLogger("django.server").setLevel(logging.ERROR)  # no line per request
    logging.getLogger("waitress").setLevel(logging.ERROR)  # no "task queue depth" warnings
    if args.server == "waitress":
        import waitress

        waitress.serve(
            application,
            host=HOST,
            port=args.serve,
            threads=args.threads,
            connection_limit=args.connections + 100,
            backlog=2048,
            asyncore_use_poll=True,
        )
    else:
        from django.core.servers.basehttp import run as run_server

        run_server(HOST, args.serve, application, threading=True)


if __name__ == "__main__":
    main()
