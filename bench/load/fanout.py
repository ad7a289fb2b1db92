"""The reminder fan-out of ``bench/load.py``: many due reminders through two worker clusters (django-q2 on the
profile's Redis), as the reminder schedule sends them: one sweep task enqueues a task per appointment.

Printed: the time to the first message and per 1,000 messages as they reach the mail server, the total rate, and
exactly-once — one reminder per appointment in the database, one distinct ``Message-ID`` per recipient at the
mail server (and how many raw copies it saw).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict

from bench.load.profile import LoadProfile

STEP = 1000
TIMEOUT = 30 * 60


def run(profile: LoadProfile, count: int) -> None:
    print(f"\n== reminder fan-out: {count:,} due reminders, two worker clusters")
    pks = profile.shell(f"from tests.production import seed; print(seed.due_reminders({count}, spacing_seconds=6))")
    pks_file = profile.workdir / "reminders.json"
    pks_file.write_text(pks)
    sink = profile.smtp
    with sink.lock:
        sink.messages.clear()
    clusters = [profile.cluster(f"fanout-cluster{n}") for n in (1, 2)]
    profile.shell("from tests.production import seed; print(seed.run_sweeps())")
    started = time.monotonic()  # the sweep is in the broker (a first message may be out already)
    marks, next_mark = [], STEP
    while time.monotonic() - started < TIMEOUT:
        with sink.lock:
            received = sum(1 for message in sink.messages if "herinnering-" in message.get("To", ""))
        while received >= next_mark and next_mark <= count:
            marks.append((next_mark, time.monotonic() - started))
            next_mark += STEP
        if received >= count:
            break
        time.sleep(0.2)
    total = time.monotonic() - started
    for cluster in clusters:
        cluster.stop()
        profile.processes.remove(cluster)

    previous = 0.0
    for reached, at in marks:
        print(f"{reached:>7,} messages after {at:6.1f} s  (these 1,000: {at - previous:5.1f} s)")
        previous = at
    ids = defaultdict(set)
    copies = 0
    with sink.lock:
        for message in sink.messages:
            to = message.get("To", "")
            if "herinnering-" in to:
                ids[to].add(message["Message-ID"])
                copies += 1
    missing = count - len(ids)  # every appointment has an address of its own (tests/production/seed.py)
    twice = sum(1 for found in ids.values() if len(found) > 1)
    counts = f"from tests.production import seed; print(seed.counts(open('{pks_file}').read()))"
    stored = json.loads(profile.shell(counts))
    rate = len(ids) / total if total else 0
    print(f"{len(ids):,} of {count:,} recipients reached in {total:.0f} s ({rate:.0f} a second); "
          f"{missing} missing, {twice} with two different messages, {copies - len(ids)} repeated copies")  # fmt: skip
    print(f"the database: reminders by status {stored['reminders']}")
