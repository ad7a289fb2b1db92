"""The load figure: waiting citizens and clerks against gunicorn on PostgreSQL + Redis (printed, never asserted).

    python bench/load.py                                 # 500, 1,000 and 2,000 citizens, 50 clerks, 60 s each
    python bench/load.py --citizens 2000 --duration 30 --workers 2 --threads 4

The production profile of tests/production (its own PostgreSQL cluster, Redis, the example production settings,
gunicorn with deploy/gunicorn.conf.py) serves; locust (``pip install -e '.[bench]'``) in a second process plays
the browsers, open loop (``constant_pacing``): every citizen polls its room's state every 3 s (If-None-Match) and
beats every 10 s, every clerk polls its seat every 3 s. Each level runs twice: the counter's endpoints, then the
same browsers at the same pace asking a bare Django view through the same server (the floor at the same load).
Per kind: requests/s against what was offered, p50/p95/p99, failures; and each kind's p95 against the floor's
(target ≤ 2×).

Still to come (issue 18): SQL per request, the booking rush, the 10,000-reminder fan-out, two app servers.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.conftest import HOST, profile_environment  # noqa: E402 - after the path
from tests.production.services import (  # noqa: E402
    AppServer,
    CrmReceiver,
    PostgresServer,
    RedisServer,
    S3Server,
    SmtpSink,
)

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
#: What each kind offers per browser and second: a poll every 3 s; a heartbeat on the first tick 10 s after the
#: last one, so every 12 s (the page's own timer beats every 10 s: locust's is a little gentler).
OFFERED = {"citizen poll": 1 / 3, "heartbeat": 1 / 12, "clerk poll": 1 / 3}
FLOOR_OF = {
    "citizen poll": "floor (citizen poll)",
    "heartbeat": "floor (heartbeat)",
    "clerk poll": "floor (clerk poll)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--citizens", default="500,1000,2000", help="levels, comma separated")
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured per level (after the ramp)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--max-requests", type=int, default=5000, help="gunicorn recycles a worker after so many")
    args = parser.parse_args()
    levels = [int(level) for level in args.citizens.split(",")]

    workdir = Path(tempfile.mkdtemp(prefix="balie-load-"))
    workdir.chmod(0o755)
    postgres, redis, s3, smtp, crm = (
        PostgresServer(workdir),
        RedisServer(workdir),
        S3Server(),
        SmtpSink(),
        CrmReceiver(),
    )
    identity = {"issuer": "https://idp.invalid", "client_id": "-", "client_secret": "-"}  # identity is off here
    environment = profile_environment(postgres, redis, s3, smtp, crm, identity, workdir)
    environment |= {
        "BALIE_FEATURES": "payments,documents,signing,forms,crm,feedback",
        "BALIE_BENCH_FLOOR": "1",
        "BALIE_LOG_FORMAT": "text",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
        "GUNICORN_MAX_REQUESTS": str(args.max_requests),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    server = AppServer("load-web", environment)
    try:
        postgres.init()
        redis.start()
        s3.start()
        manage(environment, "migrate", "--noinput")
        manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
        manage(environment, "load_demo_content")
        crowd = workdir / "crowd.json"
        crowd.write_text(
            shell(environment, f"from bench.load import seed; print(seed.crowd({max(levels)}, {args.clerks}))")
        )
        server.start()
        print(
            f"gunicorn {args.workers} processes × {args.threads} threads (gthread, max_requests {args.max_requests}) "
            "on PostgreSQL + Redis; "
            f"locust open loop; {args.clerks} clerks; {args.duration} s per level; this machine: {os.cpu_count()} cores"
        )
        for citizens in levels:
            common = {"workdir": workdir, "server_pid": server.process.pid}
            counter = run_locust(server.url, crowd, citizens, args.clerks, args.duration, floor=False, **common)
            floor = run_locust(server.url, crowd, citizens, args.clerks, args.duration, floor=True, **common)
            report(citizens, args.clerks, counter, floor)
    finally:
        server.kill()
        redis.stop()
        postgres.stop()
        s3.stop()
        smtp.shutdown()
        crm.shutdown()


def manage(environment: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def shell(environment: dict, code: str) -> str:
    return manage(environment, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def run_locust(
    url: str, crowd: Path, citizens: int, clerks: int, duration: int, *, floor: bool, workdir: Path, server_pid: int
) -> dict:
    """One headless locust run; the statistics per request name, from its CSV (after the ramp: --reset-stats)."""
    prefix = workdir / f"locust-{citizens}-{'floor' if floor else 'counter'}"
    users = citizens + clerks
    environment = {
        **os.environ,
        "BALIE_LOAD_CROWD": str(crowd),
        "BALIE_LOAD_CITIZENS": str(citizens),
        "BALIE_LOAD_CLERKS": str(clerks),
        "BALIE_LOAD_HOST": HOST,
        "BALIE_LOAD_FLOOR": "1" if floor else "0",
    }
    spawn_rate = max(50, users // 10)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration + users // spawn_rate + 5}s",
        "--reset-stats", "--host", url, "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    server_before = cpu_seconds(server_pid)
    subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    # Who used the two cores: the load generator (locust) and the app server (gunicorn and its workers; a worker
    # recycled by max_requests takes its CPU time with it, so measure with --max-requests 0).
    stats["cpu"] = {"generator": used / wall, "server": (cpu_seconds(server_pid) - server_before) / wall}
    return stats


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


def report(citizens: int, clerks: int, counter: dict, floor: dict) -> None:
    print(f"\n{citizens} waiting citizens + {clerks} clerks")
    print(f"{'kind':<14}{'offered/s':>10}{'served/s':>10}{'p50':>7}{'p95':>7}{'p99':>7}{'fails':>7}"
          f"{'floor p95':>11}{'× floor':>9}")  # fmt: skip
    for kind, per_browser in OFFERED.items():
        row, base = counter.get(kind), floor.get(FLOOR_OF[kind])
        if row is None:
            print(f"{kind:<14} no requests")
            continue
        offered = per_browser * (clerks if kind == "clerk poll" else citizens)
        p95, floor_p95 = float(row["95%"]), float(base["95%"]) if base else float("nan")
        print(
            f"{kind:<14}{offered:>10.0f}{float(row['Requests/s']):>10.0f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
            f"{row['Failure Count']:>7}{floor_p95:>11.0f}{p95 / floor_p95 if floor_p95 else float('nan'):>9.1f}"
        )
    print("(milliseconds; the floor: the same browsers at the same pace asking /bench-floor/)")
    for name, stats in (("counter", counter), ("floor", floor)):
        cpu = stats["cpu"]
        print(f"cores used during the {name} run: locust {cpu['generator']:.2f}, gunicorn {cpu['server']:.2f}")


if __name__ == "__main__":
    main()
