"""The slot engine: a pure function from opening rules, closures and bookings to free slots.

No ORM here (``booking/availability.py`` feeds it rows), so it is fast, easy to property-test
and identical on every database. Times are computed on absolute (UTC) instants, so a slot across
a daylight-saving change lasts exactly its duration; wall-clock rules are converted per date.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KEY_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True)
class WeeklyRule:
    """Opening hours of one counter seat on one weekday (local wall-clock times)."""

    seat_id: int
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Closure:
    """A holiday or one-off closure, half-open [start, end); ``seat_id=None`` closes every seat."""

    start: datetime
    end: datetime
    seat_id: int | None = None


@dataclass(frozen=True)
class Busy:
    """An existing booking of a seat; ``end`` already includes that booking's buffer."""

    seat_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    seat_ids: tuple[int, ...]

    @property
    def capacity(self) -> int:
        return len(self.seat_ids)

    @property
    def key(self) -> str:
        """Stable id of the start for forms and URLs (UTC, minute precision)."""
        return self.start.astimezone(UTC).strftime(KEY_FORMAT)


def parse_slot_key(key: str) -> datetime:
    """Inverse of ``Slot.key``; ``ValueError`` on anything else."""
    if not isinstance(key, str) or len(key) != 14:
        raise ValueError("Malformed slot key.")
    return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)


class _Intervals:
    """Sorted, merged half-open intervals with a fast overlap test (bisect)."""

    def __init__(self, pairs: Iterable[tuple[datetime, datetime]]):
        merged: list[list[datetime]] = []
        for start, end in sorted(pairs):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect_right(self.ends, start)  # the first interval ending after ``start``
        return index < len(self.starts) and self.starts[index] < end


def _instant(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The absolute instant of a wall-clock time on ``day``.

    A time inside the spring-forward gap does not exist: use the first wall-clock minute after
    the gap (the moment of the change), so a range starting or ending in the gap shrinks to the
    hours that exist. Ambiguous times (autumn) take the first occurrence (fold=0).
    """
    moment = datetime.combine(day, wall)
    for _ in range(24 * 4):
        aware = moment.replace(tzinfo=tz)
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == moment:
            return aware.astimezone(UTC)
        moment += timedelta(minutes=15) - timedelta(minutes=moment.minute % 15, seconds=moment.second)
    return None


def _range(day: date, rule: WeeklyRule, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    start, end = _instant(day, rule.start, tz), _instant(day, rule.end, tz)
    return (start, end) if start is not None and end is not None and start < end else None


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def compute_slots(
    *,
    rules: Iterable[WeeklyRule],
    closures: Iterable[Closure],
    busy: Iterable[Busy],
    seat_ids: Iterable[int],
    duration: timedelta,
    buffer: timedelta,
    now: datetime,
    lead_time: timedelta,
    horizon: timedelta,
    tz: ZoneInfo,
    first_day: date | None = None,
    last_day: date | None = None,
    step: timedelta | None = None,
) -> list[Slot]:
    """Free slots, one per distinct start, with the seats free for it (see the module docstring)."""
    seats = set(seat_ids)
    step = step or (duration + buffer)
    earliest, latest = now + lead_time, now + horizon
    first = max(first_day or date.min, earliest.astimezone(tz).date())
    last = min(last_day or date.max, latest.astimezone(tz).date())
    rules_by_weekday: dict[int, list[WeeklyRule]] = defaultdict(list)
    for rule in rules:
        if rule.seat_id in seats:
            rules_by_weekday[rule.weekday].append(rule)
    closed, booked = _closures_by_seat(seats, closures), _busy_by_seat(seats, busy)
    free: dict[datetime, set[int]] = defaultdict(set)
    for day in _days(first, last):
        for rule in rules_by_weekday.get(day.weekday(), ()):
            if not rule.applies_on(day) or (bounds := _range(day, rule, tz)) is None:
                continue
            for start in _candidates(bounds, duration, step, earliest, latest):
                if not closed[rule.seat_id].overlaps(start, start + duration) and not booked[rule.seat_id].overlaps(
                    start, start + duration + buffer
                ):
                    free[start].add(rule.seat_id)
    return [
        Slot(start.astimezone(tz), (start + duration).astimezone(tz), tuple(sorted(ids)))
        for start, ids in sorted(free.items())
    ]


def _closures_by_seat(seats, closures) -> dict[int, _Intervals]:
    pairs: dict[int | None, list[tuple[datetime, datetime]]] = defaultdict(list)
    for closure in closures:
        pairs[closure.seat_id].append((closure.start, closure.end))
    return {seat: _Intervals(pairs[seat] + pairs[None]) for seat in seats}


def _busy_by_seat(seats, busy) -> dict[int, _Intervals]:
    pairs: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in busy:
        pairs[row.seat_id].append((row.start, row.end))
    return {seat: _Intervals(pairs[seat]) for seat in seats}


def _candidates(bounds, duration, step, earliest, latest) -> Iterable[datetime]:
    """Starts every ``step`` from the opening, while the whole duration fits before closing."""
    start, end = bounds
    while start + duration <= end and start <= latest:
        if start >= earliest:
            yield start
        start += step
