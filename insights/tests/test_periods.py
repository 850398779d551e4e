"""Presets, their comparison periods and the instants of a period in the viewer's time zone."""

import datetime as dt
import zoneinfo

import pytest

from helpdesk.errors import DomainError
from insights.periods import Period, custom_period, parse_date, preset_period

UTC = dt.UTC
D = dt.date


@pytest.mark.parametrize(
    ("name", "current", "previous"),
    [
        ("this_week", (D(2026, 5, 11), D(2026, 5, 13)), (D(2026, 5, 4), D(2026, 5, 10))),
        ("last_week", (D(2026, 5, 4), D(2026, 5, 10)), (D(2026, 4, 27), D(2026, 5, 3))),
        ("this_month", (D(2026, 5, 1), D(2026, 5, 13)), (D(2026, 4, 1), D(2026, 4, 30))),
        ("last_month", (D(2026, 4, 1), D(2026, 4, 30)), (D(2026, 3, 1), D(2026, 3, 31))),
        ("this_quarter", (D(2026, 4, 1), D(2026, 5, 13)), (D(2026, 1, 1), D(2026, 3, 31))),
        ("last_quarter", (D(2026, 1, 1), D(2026, 3, 31)), (D(2025, 10, 1), D(2025, 12, 31))),
        ("this_year", (D(2026, 1, 1), D(2026, 5, 13)), (D(2025, 1, 1), D(2025, 12, 31))),
        ("last_year", (D(2025, 1, 1), D(2025, 12, 31)), (D(2024, 1, 1), D(2024, 12, 31))),
    ],
)
def test_presets_and_the_period_they_are_compared_with(name, current, previous):
    this, before = preset_period(name, tz=UTC, on=D(2026, 5, 13))  # a Wednesday
    assert (this.since, this.until) == current
    assert (before.since, before.until) == previous


def test_a_custom_period_is_compared_with_the_same_number_of_days_before_it():
    period = custom_period(D(2026, 3, 10), D(2026, 3, 19), tz=UTC)
    before = period.shifted_back()
    assert (before.since, before.until) == (D(2026, 2, 28), D(2026, 3, 9))


def test_a_period_runs_from_midnight_to_midnight_in_the_viewers_zone():
    athens = zoneinfo.ZoneInfo("Europe/Athens")
    period = Period(D(2026, 3, 10), D(2026, 3, 10), athens)
    assert period.start == dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    assert period.end == dt.datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    # the day clocks go forward is 23 hours long
    dst = Period(D(2026, 3, 29), D(2026, 3, 29), athens)
    assert dst.end.astimezone(UTC) - dst.start.astimezone(UTC) == dt.timedelta(hours=23)


def test_bad_dates_are_refused_naming_the_field():
    with pytest.raises(DomainError) as err:
        parse_date("2026-13-01", field="since")
    assert err.value.field == "since"
    with pytest.raises(DomainError) as err:
        parse_date("0001-01-01", field="until")
    assert err.value.field == "until"
    with pytest.raises(DomainError) as err:
        custom_period(D(2026, 3, 2), D(2026, 3, 1), tz=UTC)
    assert err.value.field == "until"
    with pytest.raises(DomainError) as err:
        custom_period(D(2000, 1, 1), D(2026, 3, 1), tz=UTC)
    assert err.value.field == "since"
