"""The slot engine: a pure function from opening rules, closures and bookings to free slots.

No ORM here (``booking/availability.py`` feeds it rows), so it is fast, easy to property-test and
identical on every database.

Why it looks the way it does:

* Opening hours are wall-clock times, but a booking lasts a real amount of time. Each rule range is
  converted to absolute instants once per local date, and everything after that is arithmetic on
  integer microseconds since the epoch: exact (no float rounding), cheap to compare, and blind to
  daylight saving, so a slot across a DST change lasts exactly its duration.
* Bookings and closures are turned into the open intervals of *starts* they forbid, merged and
  sorted per seat. A rule range then jumps from one forbidden interval to the next (bisect once,
  then walk), so the cost grows with the bookings inside the range, not with the number of
  candidate starts times the number of bookings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

KEY_FORMAT = "%Y%m%dT%H%MZ"
_KEY_PATTERN = re.compile(r"[0-9]{8}T[0-9]{4}Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MINUTE = 60_000_000  # in microseconds
_SECOND = 1_000_000


@dataclass(frozen=True)
class WeeklyRule:
    """Opening hours of one counter seat on one weekday (0 = Monday), local wall-clock ``[start, end)``."""

    seat_id: int
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        """Both validity bounds are inclusive: a rule "until 31 December" still opens that day."""
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Closure:
    """A holiday or one-off closure, aware, half-open ``[start, end)``; ``seat_id=None`` closes all seats."""

    start: datetime
    end: datetime
    seat_id: int | None = None


@dataclass(frozen=True)
class Busy:
    """An existing booking of a seat, aware ``[start, end)``; ``end`` already includes its buffer."""

    seat_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    """A bookable start and the seats still free for it; ``end`` excludes the buffer (the citizen's view)."""

    start: datetime
    end: datetime
    seat_ids: tuple[int, ...]

    @property
    def capacity(self) -> int:
        """How many citizens can still book this start (one per free seat)."""
        return len(self.seat_ids)

    @property
    def key(self) -> str:
        """Stable id of the start for forms and URLs: UTC, so it survives DST and the folded autumn hour."""
        return self.start.astimezone(UTC).strftime(KEY_FORMAT)


#: Years a slot key may name: anything else is no time anyone can book (and its arithmetic would overflow).
SANE_YEARS = (2000, 2999)


def parse_slot_key(key: str) -> datetime:
    """Inverse of ``Slot.key`` (aware UTC); ``ValueError`` on anything else, since keys come from the browser.

    The pattern check comes first because ``strptime`` alone is lenient: it accepts one-digit fields
    and non-ASCII digits, which would give one start several spellings.
    """
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise ValueError(f"Malformed slot key: {key!r}")
    start = datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)
    if not SANE_YEARS[0] <= start.year <= SANE_YEARS[1]:  # 9999-12-31 + a duration overflows datetime
        raise ValueError(f"Slot key out of range: {key!r}")
    return start


class _Plan(NamedTuple):
    """The request in integer microseconds, so the hot loops compare plain ints."""

    duration: int
    reach: int  # duration + buffer: how far a new booking blocks its seat
    step: int
    earliest: int
    latest: int


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
    """Free slots between ``now + lead_time`` and ``now + horizon``, one per distinct start, sorted by start.

    Candidate starts are ``opening + k * step`` for each rule range (``step`` defaults to
    ``duration + buffer``), kept when ``[start, start + duration)`` fits the range and misses every
    closure of the seat, and ``[start, start + duration + buffer)`` misses its bookings.
    ``first_day``/``last_day`` (local, inclusive) only narrow the window, for paging.
    """
    plan = _plan(duration, buffer, step, now + lead_time, now + horizon)
    seats = frozenset(seat_ids)
    forbidden = _forbidden_starts(seats, closures, busy, plan)
    days = _local_days(now + lead_time, now + horizon, tz, first_day, last_day)
    free: dict[int, set[int]] = defaultdict(set)
    for seat, opening, closing in _opening_ranges(rules, seats, days, tz):
        for run in _free_runs(opening, closing, plan, forbidden[seat]):
            for start in run:
                free[start].add(seat)
    return [_slot(start, free[start], duration, tz) for start in sorted(free)]


def _plan(duration, buffer, step, earliest: datetime, latest: datetime) -> _Plan:
    """Reject requests that would loop forever or produce clashing keys, then convert to microseconds."""
    step = duration + buffer if step is None else step
    if duration <= timedelta(0) or buffer < timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive, buffer must not be negative.")
    if step % timedelta(minutes=1):
        raise ValueError("step must be whole minutes: slot keys have minute precision.")
    if earliest.utcoffset() is None:
        raise ValueError("now must be timezone-aware.")
    return _Plan(_span(duration), _span(duration + buffer), _span(step), _micros(earliest), _micros(latest))


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (``timestamp()`` is a float and rounds)."""
    return (moment - _EPOCH) // _MICROSECOND


def _span(span: timedelta) -> int:
    return span // _MICROSECOND


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _local_days(earliest: datetime, latest: datetime, tz, first_day, last_day) -> Iterator[date]:
    """The local dates that can hold a start: the window's dates in ``tz``, cut to the requested page."""
    day, last = earliest.astimezone(tz).date(), latest.astimezone(tz).date()
    day, last = max(day, first_day or day), min(last, last_day or last)
    while day <= last:
        yield day
        day += timedelta(days=1)


def _opening_ranges(rules, seats, days: Iterable[date], tz) -> Iterator[tuple[int, int, int]]:
    """``(seat, opening, closing)`` in microseconds for every rule that applies on each local date.

    Seats usually share their hours, so each ``(date, start, end)`` is converted only once.
    """
    by_weekday: dict[int, list[WeeklyRule]] = defaultdict(list)
    for rule in rules:
        if rule.seat_id in seats:
            by_weekday[rule.weekday].append(rule)
    converted: dict[tuple[date, time, time], tuple[int, int]] = {}
    for day in days:
        for rule in by_weekday.get(day.weekday(), ()):
            if rule.applies_on(day):
                key = (day, rule.start, rule.end)
                if key not in converted:
                    converted[key] = _opening_range(day, rule.start, rule.end, tz)
                yield rule.seat_id, *converted[key]


def _opening_range(day: date, start: time, end: time, tz) -> tuple[int, int]:
    """The absolute range of a wall-clock range; the opening rounds up to a whole minute so keys stay unique.

    A range starting or ending in the spring gap shrinks to the hours that exist; one lying wholly
    inside the gap becomes empty (opening == closing) and yields no candidates.
    """
    opening = _ceil_div(_micros(_instant(day, start, tz)), _MINUTE) * _MINUTE
    return opening, _micros(_instant(day, end, tz))


def _instant(day: date, wall: time, tz) -> datetime:
    """The absolute instant of a wall-clock time on ``day``, in UTC.

    Ambiguous autumn times take the first occurrence (``fold=0``, the default of ``combine``). A time
    in the spring-forward gap does not exist, so it maps to the moment the clocks jumped (the first
    wall-clock time after the gap): a slot can never start inside the gap.
    """
    local = datetime.combine(day, wall, tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    return _end_of_gap(local.replace(fold=1).astimezone(UTC), instant, tz)


def _end_of_gap(before: datetime, after: datetime, tz) -> datetime:
    """The transition between ``before`` (old offset) and ``after`` (new offset), to the second.

    For a gap time, ``fold=1`` reads it with the new offset (an instant before the jump) and ``fold=0``
    with the old one (after the jump), so the jump lies between them; bisection finds it in any zone,
    whatever the size or minute of its transitions.
    """
    low, high = _micros(before) // _SECOND, _micros(after) // _SECOND
    offset = before.astimezone(tz).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def _forbidden_starts(seats, closures, busy, plan: _Plan) -> dict[int, tuple[list[int], list[int]]]:
    """Per seat, the open intervals ``(low, high)`` of starts that would collide, merged and sorted.

    A start ``s`` collides with a booking ``[a, b)`` when ``a - duration - buffer < s < b`` and with a
    closure ``[a, b)`` when ``a - duration < s < b`` (the closure only has to miss the slot itself).
    Rows of seats outside ``seats`` and empty rows are dropped here, once.
    """
    own: dict[int, list[tuple[int, int]]] = {seat: [] for seat in seats}
    shared: list[tuple[int, int]] = []
    for closure in closures:
        target = shared if closure.seat_id is None else own.get(closure.seat_id)
        if target is not None and closure.end > closure.start:
            target.append((_micros(closure.start) - plan.duration, _micros(closure.end)))
    _add_bookings(own, busy, plan.reach)
    return {seat: _merged(own[seat] + shared) for seat in seats}


def _add_bookings(own: dict[int, list[tuple[int, int]]], busy: Iterable[Busy], reach: int) -> None:
    """Append each booking's forbidden starts to its seat's list, skipping other seats and empty rows.

    The only loop that scales with the 10,000 bookings of a busy municipality, so it makes no call
    per row (``_micros`` inlined); converting the bookings is still a third of the engine's time.
    """
    epoch, unit = _EPOCH, _MICROSECOND
    for row in busy:
        target = own.get(row.seat_id)
        if target is not None and row.end > row.start:
            target.append(((row.start - epoch) // unit - reach, (row.end - epoch) // unit))


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping open intervals as two parallel lists (lows, highs) for ``bisect``.

    Two open intervals that merely touch stay apart: the shared point is a free start.
    """
    lows: list[int] = []
    highs: list[int] = []
    for low, high in sorted(spans):
        if highs and low < highs[-1]:
            highs[-1] = max(highs[-1], high)
        else:
            lows.append(low)
            highs.append(high)
    return lows, highs


def _free_runs(opening: int, closing: int, plan: _Plan, forbidden: tuple[list, list]) -> list[range]:
    """The free candidate starts of one opening range, as runs of the progression ``opening + k * step``.

    Between two forbidden intervals every candidate is free, so a whole run is one ``range``; the
    loop runs once per forbidden interval inside the range, never once per candidate.
    """
    lows, highs = forbidden
    step = plan.step
    first = opening + max(0, _ceil_div(plan.earliest - opening, step)) * step
    last = min(closing - plan.duration, plan.latest)
    runs, index = [], bisect_right(highs, first)
    while first <= last and index < len(lows) and lows[index] < last:
        if lows[index] >= first:
            runs.append(range(first, lows[index] + 1, step))
        first = max(first, opening + _ceil_div(highs[index] - opening, step) * step)
        index += 1
    if first <= last:
        runs.append(range(first, last + 1, step))
    return runs


def _slot(start: int, seats: set[int], duration: timedelta, tz) -> Slot:
    """Build the public value; the end is computed on absolute time, then shown in ``tz``."""
    moment = _EPOCH + timedelta(microseconds=start)
    return Slot(moment.astimezone(tz), (moment + duration).astimezone(tz), tuple(sorted(seats)))
