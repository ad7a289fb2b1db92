"""The pure slot engine: examples, then properties (hypothesis) across Brussels' DST changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digitale_balie_plugin.booking.slots import Busy, Closure, Slot, WeeklyRule, compute_slots, parse_slot_key

TZ = ZoneInfo("Europe/Brussels")
MONDAY = date(2026, 12, 7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def slots(rules, closures=(), busy=(), seats=(1,), duration=20, buffer=10, now=None, lead=0, horizon=7, **kwargs):
    return compute_slots(
        rules=rules,
        closures=closures,
        busy=busy,
        seat_ids=seats,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        now=now or local(MONDAY, 7),
        lead_time=timedelta(hours=lead),
        horizon=timedelta(days=horizon),
        tz=TZ,
        **kwargs,
    )


def starts(result):
    return [s.start.strftime("%a %H:%M") for s in result]


MORNING = [WeeklyRule(1, day, time(9), time(11)) for day in range(7)]


def test_a_normal_morning():
    result = slots(MORNING, last_day=MONDAY)
    assert starts(result) == ["Mon 09:00", "Mon 09:30", "Mon 10:00", "Mon 10:30"]
    assert all(s.end.astimezone(UTC) - s.start.astimezone(UTC) == timedelta(minutes=20) for s in result)


def test_several_ranges_per_day_and_validity_dates():
    rules = [
        WeeklyRule(1, 0, time(9), time(10)),
        WeeklyRule(1, 0, time(14), time(15), valid_from=MONDAY, valid_until=MONDAY),
    ]
    assert starts(slots(rules, horizon=14)) == [
        "Mon 09:00",
        "Mon 09:30",
        "Mon 14:00",
        "Mon 14:30",
        "Mon 09:00",
        "Mon 09:30",
    ]


def test_a_closure_removes_the_day_for_all_or_one_seat():
    rules = MORNING + [WeeklyRule(2, day, time(9), time(11)) for day in range(7)]
    holiday = Closure(local(MONDAY, 0), local(MONDAY + timedelta(days=1), 0))
    assert slots(rules, closures=[holiday], seats=(1, 2), last_day=MONDAY) == []
    one_seat = Closure(local(MONDAY, 0), local(MONDAY, 23), seat_id=2)
    assert {s.seat_ids for s in slots(rules, closures=[one_seat], seats=(1, 2), last_day=MONDAY)} == {(1,)}


def test_busy_blocks_with_buffers_on_both_sides():
    busy = [Busy(1, local(MONDAY, 9, 30), local(MONDAY, 10, 0))]  # booked 09:30-09:50 + 10 buffer
    assert starts(slots(MORNING, busy=busy, last_day=MONDAY)) == ["Mon 09:00", "Mon 10:00", "Mon 10:30"]
    busy = [Busy(1, local(MONDAY, 9, 25), local(MONDAY, 9, 28))]
    assert "Mon 09:00" not in starts(slots(MORNING, busy=busy, last_day=MONDAY))  # our own buffer reaches it


def test_lead_time_and_horizon():
    assert starts(slots(MORNING, now=local(MONDAY, 9, 10), lead=1, last_day=MONDAY)) == ["Mon 10:30"]
    result = slots(MORNING, horizon=1)
    assert result[-1].start <= local(MONDAY, 7) + timedelta(days=1)


def test_capacity_merges_seats():
    rules = MORNING + [WeeklyRule(2, day, time(9), time(11)) for day in range(7)]
    first = slots(rules, seats=(2, 1), last_day=MONDAY)[0]
    assert first.seat_ids == (1, 2) and first.capacity == 2
    assert slots(rules, seats=(2,), last_day=MONDAY)[0].seat_ids == (2,)


def test_duplicate_rules_do_not_duplicate_seats():
    assert slots(MORNING + MORNING, last_day=MONDAY)[0].seat_ids == (1,)


def test_slot_key_round_trip_and_garbage():
    slot = Slot(local(MONDAY, 9), local(MONDAY, 9, 20), (1,))
    assert slot.key == "20261207T0800Z" and parse_slot_key(slot.key) == slot.start
    for garbage in ["", "20261207T0800", "20261399T0800Z", "x" * 14, "20261207T0800Z ", None, 12]:
        with pytest.raises(ValueError):
            parse_slot_key(garbage)


def test_dst_days_keep_absolute_durations():
    night = [WeeklyRule(1, 6, time(1), time(4))]
    spring = slots(night, now=local(date(2026, 3, 28), 12), horizon=2)
    assert [s.start.strftime("%H:%M%z") for s in spring] == ["01:00+0100", "01:30+0100", "03:00+0200", "03:30+0200"]
    autumn = slots(night, now=local(date(2026, 10, 24), 12), horizon=2)
    assert len(autumn) == 8  # 01:00-04:00 local lasts four hours that night


# --- properties ------------------------------------------------------------------------------

DAYS = st.sampled_from(
    [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25), date(2026, 12, 7)]
)
QUARTERS = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def rules_strategy(draw):
    rules = []
    for _ in range(draw(st.integers(1, 6))):
        start, end = sorted(draw(st.lists(QUARTERS, min_size=2, max_size=2, unique=True)))
        rules.append(WeeklyRule(draw(st.integers(1, 3)), draw(st.integers(0, 6)), start, end))
    return rules


@st.composite
def intervals(draw, base_day, seat=True):
    start = local(base_day, 0).astimezone(UTC) + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 3)))
    length = timedelta(minutes=5 * draw(st.integers(1, 60)))
    return (draw(st.sampled_from([1, 2, 3, None])) if seat else None), start, start + length


@st.composite
def scenario(draw):
    day = draw(DAYS)
    now = local(day, 0).astimezone(UTC) + timedelta(minutes=draw(st.integers(0, 24 * 60)))
    closures = [Closure(s, e, seat) for seat, s, e in draw(st.lists(intervals(day), max_size=4))]
    busy = [Busy(seat or 1, s, e) for seat, s, e in draw(st.lists(intervals(day), max_size=8))]
    return {
        "rules": draw(rules_strategy()),
        "closures": closures,
        "busy": busy,
        "seat_ids": draw(st.sets(st.integers(1, 3), min_size=1)),
        "duration": timedelta(minutes=draw(st.sampled_from([10, 15, 20, 45]))),
        "buffer": timedelta(minutes=draw(st.sampled_from([0, 5, 10]))),
        "now": now,
        "lead_time": timedelta(minutes=draw(st.sampled_from([0, 30, 120]))),
        "horizon": timedelta(hours=draw(st.sampled_from([6, 30, 72]))),
        "tz": TZ,
    }


def overlaps(a_start, a_end, b_start, b_end):
    """In absolute time (Python compares same-zone datetimes by wall clock)."""
    a_start, a_end, b_start, b_end = (moment.astimezone(UTC) for moment in (a_start, a_end, b_start, b_end))
    return a_start < b_end and b_start < a_end


def wall_to_instant(day, wall):
    """First existing local minute at or after ``wall`` (a time in the spring gap means the change)."""
    moment = datetime.combine(day, wall)
    while True:
        aware = moment.replace(tzinfo=TZ)
        if aware.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) == moment:
            return aware
        moment += timedelta(minutes=1)


def inside_opening_hours(slot, seat, rules):
    """The slot lies on its local date within one of the seat's rules, in absolute time."""
    day, start, end = slot.start.astimezone(TZ).date(), slot.start.astimezone(UTC), slot.end.astimezone(UTC)
    for rule in rules:
        if (
            rule.seat_id == seat
            and rule.weekday == day.weekday()
            and wall_to_instant(day, rule.start).astimezone(UTC) <= start <= end <= wall_to_instant(day, rule.end)
        ):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_properties(case):
    result = compute_slots(**case)
    keys = [slot.key for slot in result]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for slot in result:
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == case["duration"]  # absolute, across DST
        assert case["now"] + case["lead_time"] <= slot.start.astimezone(UTC) <= case["now"] + case["horizon"]
        assert 1 <= slot.capacity <= len(case["seat_ids"]) and set(slot.seat_ids) <= case["seat_ids"]
        assert slot.start.utcoffset() == slot.start.astimezone(TZ).utcoffset()
        for seat in slot.seat_ids:
            assert inside_opening_hours(slot, seat, case["rules"])
            for closure in case["closures"]:
                if closure.seat_id in (None, seat):
                    assert not overlaps(slot.start, slot.end, closure.start, closure.end)
            for busy in case["busy"]:
                if busy.seat_id == seat:
                    assert not overlaps(slot.start, slot.end + case["buffer"], busy.start, busy.end)


@settings(max_examples=200, deadline=None)
@given(scenario())
def test_nothing_free_is_left_out(case):
    """Completeness: a seat missing from a slot is closed, busy or has no rule there."""
    case = {**case, "closures": [], "busy": []}
    everything = {slot.key: set(slot.seat_ids) for slot in compute_slots(**case)}
    busy_seat = next(iter(case["seat_ids"]))
    blocked = compute_slots(
        **{**case, "busy": [Busy(busy_seat, case["now"] - timedelta(days=9), case["now"] + timedelta(days=9))]}
    )
    for slot in blocked:
        assert busy_seat not in slot.seat_ids
        assert set(slot.seat_ids) == everything[slot.key] - {busy_seat}


def test_the_properties_can_fail():
    """Guard against a property suite that passes anything: a broken engine must be caught."""
    broken = [Slot(local(MONDAY, 3), local(MONDAY, 3, 20), (1,))]  # at night, outside the rules
    assert not inside_opening_hours(broken[0], 1, MORNING)
    assert overlaps(local(MONDAY, 9), local(MONDAY, 9, 30), local(MONDAY, 9, 25), local(MONDAY, 10))
    assert (
        parse_slot_key(
            Slot(datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 12, 20, tzinfo=UTC), (1,)).key
        ).hour
        == 12
    )
