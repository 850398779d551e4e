"""Reporting periods: whole days in the viewer's time zone, the presets, and the period before.

A period is `since`..`until` inclusive (dates). Its instants run from midnight at the start of
`since` to midnight at the end of `until`, both in the viewer's time zone (Profile.timezone, which
the middleware activates), so a survey sent at 23:30 UTC on 9 March counts on 10 March in Athens.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError

# Far enough for any real report; keeps date arithmetic away from date.min/date.max.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2199, 12, 31)
MAX_DAYS = 366 * 10

PRESETS = {
    "this_week": _("This week"),
    "last_week": _("Last week"),
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_quarter": _("This quarter"),
    "last_quarter": _("Last quarter"),
    "this_year": _("This year"),
    "last_year": _("Last year"),
    "custom": _("Custom"),
}
DEFAULT_PRESET = "last_month"

GRANULARITIES = {"day": _("By day"), "week": _("By week"), "month": _("By month")}


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date
    tz: dt.tzinfo

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time.min, tzinfo=self.tz)

    @property
    def end(self) -> dt.datetime:
        """Exclusive: midnight after `until`, in the viewer's zone (zoneinfo handles DST days)."""
        return dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def shifted_back(self) -> Period:
        """The period of the same length just before this one (custom ranges)."""
        until = self.since - dt.timedelta(days=1)
        return Period(since=until - dt.timedelta(days=self.days - 1), until=until, tz=self.tz)

    def default_granularity(self) -> str:
        if self.days <= 45:
            return "day"
        if self.days <= 200:
            return "week"
        return "month"


def current_tz() -> dt.tzinfo:
    return timezone.get_current_timezone()


def today(tz: dt.tzinfo | None = None) -> dt.date:
    return timezone.now().astimezone(tz or current_tz()).date()


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(name: str, *, tz: dt.tzinfo | None = None, on: dt.date | None = None) -> tuple[Period, Period]:
    """A preset and the period it is compared with: the whole previous week, month, quarter or year.

    "This …" periods run to today (the rest has not happened); the comparison is the whole previous unit.
    """
    tz = tz or current_tz()
    day = on or today(tz)
    one = dt.timedelta(days=1)
    if name in ("this_week", "last_week"):
        start = day - dt.timedelta(days=day.weekday())
        if name == "last_week":
            start -= dt.timedelta(days=7)
        this = (start, day if name == "this_week" else start + dt.timedelta(days=6))
        prev = (start - dt.timedelta(days=7), start - one)
    elif name in ("this_month", "last_month"):
        start = day.replace(day=1)
        if name == "last_month":
            start = add_months(start, -1)
        this = (start, day if name == "this_month" else add_months(start, 1) - one)
        prev = (add_months(start, -1), start - one)
    elif name in ("this_quarter", "last_quarter"):
        start = _quarter_start(day)
        if name == "last_quarter":
            start = add_months(start, -3)
        this = (start, day if name == "this_quarter" else add_months(start, 3) - one)
        prev = (add_months(start, -3), start - one)
    elif name in ("this_year", "last_year"):
        start = dt.date(day.year if name == "this_year" else day.year - 1, 1, 1)
        this = (start, day if name == "this_year" else dt.date(start.year, 12, 31))
        prev = (dt.date(start.year - 1, 1, 1), start - one)
    else:
        raise DomainError(_("Unknown period."), field="period")
    return Period(this[0], this[1], tz), Period(prev[0], prev[1], tz)


def parse_date(raw: str | None, *, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        value = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DomainError(_("Enter a date as YYYY-MM-DD."), field=field) from None
    if not EARLIEST <= value <= LATEST:
        raise DomainError(
            _("Enter a date between %(a)s and %(b)s.") % {"a": EARLIEST.isoformat(), "b": LATEST.isoformat()},
            field=field,
        )
    return value


def custom_period(since: dt.date | None, until: dt.date | None, *, tz: dt.tzinfo | None = None) -> Period:
    """since/until as given; a missing `until` is today, a missing `since` 29 days before `until`."""
    tz = tz or current_tz()
    until = until or today(tz)
    since = since or until - dt.timedelta(days=29)
    if since > until:
        raise DomainError(_("The end date must not be before the start date."), field="until")
    if (until - since).days + 1 > MAX_DAYS:
        raise DomainError(_("Choose at most ten years."), field="since")
    return Period(since, until, tz)


def zone(name: str) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name)
