"""The booking page's times, a few days at a time: what fits on a phone without hundreds of buttons.

Pure (fed slots, no ORM): the page shows ``days`` days that have free times, from ``first`` on. A day with
many times (a seat open all day long) splits them into parts of the day; only the first part of the first
day are open until the page shows a handful of times; the others are ``<details>`` the citizen opens, with or
without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.booking.availability import days_with_slots
from digitale_balie_plugin.booking.slots import Slot

#: Most days one page may show (``?days=``): beyond it the page grows long again.
MAX_DAYS = 14
#: A day with more free times than this shows them per part of the day.
SPLIT_DAY_FROM = 16
#: Parts of a day: (label, first hour not in it).
DAY_PARTS = [(_("Night"), 6), (_("Morning"), 12), (_("Afternoon"), 17), (_("Evening"), 24)]


@dataclass(frozen=True)
class DayPart:
    label: str
    slots: list[Slot]
    open: bool = False


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]
    parts: list[DayPart] = field(default_factory=list)


@dataclass(frozen=True)
class SlotPage:
    days: list[SlotDay]
    count: int
    previous_day: date | None = None
    next_day: date | None = None
    more_days: int | None = None  # ``?days=`` that shows more days from the same first day


def parse_days(raw: str | None, default: int) -> int:
    """``?days=`` as a number of days between 1 and ``MAX_DAYS``; anything else gives ``default``."""
    try:
        days = int(raw or "")
    except ValueError:
        return default
    return days if 1 <= days <= MAX_DAYS else default


def _day(day: date, slots: list[Slot], shown: int) -> SlotDay:
    """One day; parts open while fewer than ``SPLIT_DAY_FROM`` times are ``shown`` above them."""
    if len(slots) <= SPLIT_DAY_FROM:
        return SlotDay(day, slots)
    parts, rest = [], slots
    for label, until in DAY_PARTS:
        mine = [slot for slot in rest if slot.start.hour < until]
        rest = rest[len(mine) :]
        if mine:
            parts.append(DayPart(str(label), mine, open=shown < SPLIT_DAY_FROM))
            shown += len(mine) if parts[-1].open else 0
    return SlotDay(day, slots, parts)


def _visible(day: SlotDay) -> int:
    return sum(len(part.slots) for part in day.parts if part.open) if day.parts else len(day.slots)


def slot_page(slots: list[Slot], *, first: date | None, count: int) -> SlotPage:
    """``count`` days with free times from ``first`` (the first free day when ``None`` or past the last)."""
    days = days_with_slots(slots)
    index = next((i for i, (day, _slots) in enumerate(days) if first and day >= first), 0)
    shown: list[SlotDay] = []
    for day, day_slots in days[index : index + count]:
        shown.append(_day(day, day_slots, sum(_visible(d) for d in shown)))
    more = len(days) > index + count
    return SlotPage(
        days=shown,
        count=count,
        previous_day=days[max(index - count, 0)][0] if index > 0 else None,
        next_day=days[index + count][0] if more else None,
        more_days=min(count + 3, MAX_DAYS) if more and count < MAX_DAYS else None,
    )
