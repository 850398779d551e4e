"""Business-hours arithmetic: pure Python, DST-safe with zoneinfo, no database.

The whole API:

- `Schedule(timezone, week, holidays=(), yearly_holidays=())` — opening hours in one time zone.
  `week` has 7 entries, Monday first; each a tuple of `(time(9), time(17))` intervals (local time).
  `holidays` are dates that are closed; `yearly_holidays` are `(month, day)` pairs closed every year.
- `add_business_minutes(start, minutes, schedule)` — the aware datetime `minutes` business minutes
  after `start` (before it, when `minutes` is negative). A start outside hours counts from the next
  opening.
- `business_minutes_between(start, end, schedule)` — business minutes in `[start, end)` (negative
  when `end` is before `start`), as a float.
- `schedule_for_department(department_id)` — the `Schedule` of a department's `BusinessCalendar`,
  or None (then the clock is wall-clock time: callers add plain minutes). The only function that
  reads the database.

Local opening times are turned into instants day by day through zoneinfo, so a day on which the
clocks change simply has one hour more or less of wall-clock time between midnight and opening;
business intervals keep their local times (09:00–17:00 stays 09:00–17:00 local).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
# A schedule with no open hour at all would loop forever; beyond this many days we give up and
# fall back to wall-clock minutes.
_MAX_DAYS = 3 * 366

Interval = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Schedule:
    timezone: str
    week: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    yearly_holidays: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week needs 7 entries, Monday first")
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "yearly_holidays", frozenset(self.yearly_holidays))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_empty(self) -> bool:
        return not any(self.week)

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's open intervals as UTC instants (empty on holidays and closed days)."""
        if self.is_holiday(day):
            return []
        zone = self.zone
        out = []
        for start, end in self.week[day.weekday()]:
            a = dt.datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
            # An interval ending at 00:00 means "until midnight".
            end_day = day + dt.timedelta(days=1) if end == dt.time(0) else day
            b = dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
            if b > a:
                out.append((a, b))
        return out


def _local_day(moment: dt.datetime, schedule: Schedule) -> dt.date:
    return moment.astimezone(schedule.zone).date()


def add_business_minutes(start: dt.datetime, minutes: float, schedule: Schedule | None) -> dt.datetime:
    """`start` plus `minutes` business minutes (minus, when negative). Without a schedule: wall-clock."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if schedule is None or schedule.is_empty:
        return start + dt.timedelta(minutes=minutes)
    if minutes < 0:
        return _subtract(start, -minutes, schedule)
    remaining = dt.timedelta(minutes=minutes)
    cursor = start.astimezone(UTC)
    day = _local_day(cursor, schedule) - dt.timedelta(days=1)  # an interval of yesterday may run past midnight
    for _ in range(_MAX_DAYS):
        for a, b in schedule.intervals_on(day):
            if b <= cursor:
                continue
            a = max(a, cursor)
            if b - a >= remaining:
                return (a + remaining).astimezone(start.tzinfo)
            remaining -= b - a
            cursor = b
        day += dt.timedelta(days=1)
    return start + dt.timedelta(minutes=minutes)


def _subtract(end: dt.datetime, minutes: float, schedule: Schedule) -> dt.datetime:
    remaining = dt.timedelta(minutes=minutes)
    cursor = end.astimezone(UTC)
    day = _local_day(cursor, schedule) + dt.timedelta(days=1)
    for _ in range(_MAX_DAYS):
        for a, b in reversed(schedule.intervals_on(day)):
            if a >= cursor:
                continue
            b = min(b, cursor)
            if b - a >= remaining:
                return (b - remaining).astimezone(end.tzinfo)
            remaining -= b - a
            cursor = a
        day -= dt.timedelta(days=1)
    return end - dt.timedelta(minutes=minutes)


def business_minutes_between(start: dt.datetime, end: dt.datetime, schedule: Schedule | None) -> float:
    """Business minutes from `start` to `end`; negative when `end` comes first. Without a schedule: wall-clock."""
    if end < start:
        return -business_minutes_between(end, start, schedule)
    if schedule is None or schedule.is_empty:
        return (end - start).total_seconds() / 60
    total = dt.timedelta()
    day = _local_day(start, schedule) - dt.timedelta(days=1)
    last = _local_day(end, schedule)
    while day <= last:
        for a, b in schedule.intervals_on(day):
            a, b = max(a, start), min(b, end)
            if b > a:
                total += b - a
        day += dt.timedelta(days=1)
    return total.total_seconds() / 60


def parse_week(raw: list) -> tuple[tuple[Interval, ...], ...]:
    """A calendar's stored week — 7 lists of ["09:00", "17:00"] pairs — as `Schedule.week`."""
    if not isinstance(raw, list) or len(raw) != 7:
        raise ValueError("the week needs 7 days, Monday first")
    week = []
    for day in raw:
        intervals = []
        for pair in day or []:
            start, end = (dt.time.fromisoformat(str(v)) for v in pair)
            if end != dt.time(0) and end <= start:
                raise ValueError(f"{pair[0]}–{pair[1]} ends before it starts")
            intervals.append((start, end))
        week.append(tuple(sorted(intervals)))
    return tuple(week)


def schedule_for_department(department_id: int | None) -> Schedule | None:
    """The department's business calendar as a Schedule, or None when it has none (wall-clock SLAs)."""
    if department_id is None:
        return None
    from tickets.models import BusinessCalendar

    calendar = BusinessCalendar.objects.filter(department_id=department_id).prefetch_related("holidays").first()
    return calendar.schedule() if calendar else None
