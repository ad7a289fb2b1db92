"""What both locustfiles measure besides locust's own figures.

- SQL statements per kind of request: the bench middleware of the example site (example_site/bench.py) puts each
  answer's count in ``X-Bench-Queries``; they are added up per request name.
- The window: with ``BALIE_LOAD_SETTLE=N``, N seconds after the last browser started (0: at once), the figures
  so far — the arrival, when every browser's first requests come — are written to ``BALIE_LOAD_ARRIVALS`` and
  all figures start again, so the ones locust writes at the end are the steady state of that many browsers.

Both are written as JSON when locust stops (``BALIE_LOAD_QUERIES``) or at the reset.
"""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path

import gevent
from locust import events

queries = collections.defaultdict(lambda: {"requests": 0, "statements": 0})
SETTLE = os.environ.get("BALIE_LOAD_SETTLE")
_environment = None


@events.init.add_listener
def _keep(environment, **_kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def count_queries(name, response=None, **_kwargs):
    statements = response.headers.get("X-Bench-Queries") if response is not None and response.headers else None
    if statements is not None:
        queries[name]["requests"] += 1
        queries[name]["statements"] += int(statements)


@events.spawning_complete.add_listener
def _settle(user_count, **_kwargs):
    if SETTLE is not None:  # 0: the figures start again as the last browser starts (locust's --reset-stats)
        gevent.spawn_later(float(SETTLE), _start_the_window)


def _start_the_window():
    stats = _environment.runner.stats
    arrival = {
        name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{f"p{int(q * 100)}": entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)},
        }
        for (name, _method), entry in stats.entries.items()
    }
    if path := os.environ.get("BALIE_LOAD_ARRIVALS"):
        Path(path).write_text(json.dumps(arrival))
    stats.reset_all()
    queries.clear()


@events.quitting.add_listener
def _write_queries(**_kwargs):
    if path := os.environ.get("BALIE_LOAD_QUERIES"):
        Path(path).write_text(json.dumps(queries))
