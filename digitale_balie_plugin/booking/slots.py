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
from typing import NamedTuple
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
    """Sorted, merged half-open intervals in POSIX seconds, walked by a cursor for overlap tests.

    Integers, not datetimes: comparing ints is several times cheaper, and the engine runs tens of
    thousands of tests for a 60-day horizon.
    """

    def __init__(self, pairs: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(pairs):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def cursor(self, start: int) -> _Cursor:
        return _Cursor(self, bisect_right(self.ends, start))


class _Cursor:
    """Walks the intervals for ascending queries: ``free`` must be asked with non-decreasing starts."""

    __slots__ = ("ends", "index", "size", "starts")

    def __init__(self, intervals: _Intervals, index: int):
        self.starts, self.ends, self.index, self.size = intervals.starts, intervals.ends, index, len(intervals.ends)

    def free(self, start: int, end: int) -> bool:
        while self.index < self.size and self.ends[self.index] <= start:
            self.index += 1
        return self.index == self.size or self.starts[self.index] >= end


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


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


def _range(day: date, rule: WeeklyRule, tz: ZoneInfo) -> tuple[int, int] | None:
    start, end = _instant(day, rule.start, tz), _instant(day, rule.end, tz)
    if start is None or end is None or start >= end:
        return None
    return _seconds(start), _seconds(end)


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
    seconds = _Seconds(
        *(int(span.total_seconds()) for span in (duration, buffer, step)), _seconds(earliest), _seconds(latest)
    )
    free: dict[int, set[int]] = defaultdict(set)
    for day in _days(first, last):
        for rule in rules_by_weekday.get(day.weekday(), ()):
            if rule.applies_on(day) and (bounds := _range(day, rule, tz)) is not None:
                for start in _free_starts(bounds, seconds, closed[rule.seat_id], booked[rule.seat_id]):
                    free[start].add(rule.seat_id)
    length = seconds.duration
    return [
        Slot(datetime.fromtimestamp(start, tz), datetime.fromtimestamp(start + length, tz), tuple(sorted(ids)))
        for start, ids in sorted(free.items())
    ]


class _Seconds(NamedTuple):
    """The request's durations and bounds in whole seconds."""

    duration: int
    buffer: int
    step: int
    earliest: int
    latest: int


def _free_starts(bounds, seconds: _Seconds, closed: _Intervals, booked: _Intervals) -> Iterable[int]:
    """Candidate starts every ``step`` from the opening that fit before closing and are not blocked.

    Candidates only move forward, so each interval list is walked once with a cursor (a merge),
    instead of a bisect per candidate.
    """
    opening, closing = bounds
    start = opening
    if start < seconds.earliest:  # jump to the first candidate at or after the lead time
        start += -(-(seconds.earliest - start) // seconds.step) * seconds.step
    duration, blocked_until = seconds.duration, seconds.duration + seconds.buffer
    closed_cursor, booked_cursor = closed.cursor(start), booked.cursor(start)
    while start + duration <= closing and start <= seconds.latest:
        if closed_cursor.free(start, start + duration) and booked_cursor.free(start, start + blocked_until):
            yield start
        start += seconds.step


def _closures_by_seat(seats, closures) -> dict[int, _Intervals]:
    pairs: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    for closure in closures:
        pairs[closure.seat_id].append((_seconds(closure.start), _seconds(closure.end)))
    return {seat: _Intervals(pairs[seat] + pairs[None]) for seat in seats}


def _busy_by_seat(seats, busy) -> dict[int, _Intervals]:
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in busy:
        pairs[row.seat_id].append((_seconds(row.start), _seconds(row.end)))
    return {seat: _Intervals(pairs[seat]) for seat in seats}
