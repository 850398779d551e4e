"""Business-hours maths (tickets.business_hours) and SLA due times on a department's calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tickets import services
from tickets.business_hours import Schedule, add_business_minutes, business_minutes_between
from tickets.models import BusinessCalendar, Holiday, SlaPolicy

LISBON = ZoneInfo("Europe/Lisbon")
NINE_TO_FIVE = ((dt.time(9), dt.time(17)),)
WEEKDAYS = tuple([NINE_TO_FIVE] * 5 + [(), ()])


def lisbon(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LISBON)


def schedule(**kwargs) -> Schedule:
    return Schedule(timezone="Europe/Lisbon", week=WEEKDAYS, **kwargs)


def test_minutes_within_one_day_stay_on_that_day():
    assert add_business_minutes(lisbon(2026, 3, 2, 10), 90, schedule()) == lisbon(2026, 3, 2, 11, 30)


def test_friday_afternoon_plus_four_hours_lands_on_monday_crossing_the_weekend():
    # Friday 15:00 + 4 business hours = 2 h on Friday, 2 h on Monday.
    assert add_business_minutes(lisbon(2026, 3, 6, 15), 240, schedule()) == lisbon(2026, 3, 9, 11)


def test_a_holiday_is_skipped():
    s = schedule(holidays={dt.date(2026, 3, 9)})
    assert add_business_minutes(lisbon(2026, 3, 6, 15), 240, s) == lisbon(2026, 3, 10, 11)


def test_a_yearly_holiday_is_closed_every_year():
    s = schedule(yearly_holidays={(12, 25)})
    # 25 December 2028 is a Monday.
    assert add_business_minutes(lisbon(2028, 12, 22, 16), 120, s) == lisbon(2028, 12, 26, 10)


def test_created_outside_hours_counts_from_the_next_opening():
    assert add_business_minutes(lisbon(2026, 3, 3, 20), 60, schedule()) == lisbon(2026, 3, 4, 10)
    assert add_business_minutes(lisbon(2026, 3, 7, 12), 60, schedule()) == lisbon(2026, 3, 9, 10)


def test_the_dst_change_keeps_local_opening_hours():
    # Clocks go forward in Lisbon on Sunday 29 March 2026: Friday 16:00 + 2 h = Monday 10:00 local,
    # which is 09:00 UTC (it was 16:00 UTC on Friday).
    due = add_business_minutes(lisbon(2026, 3, 27, 16), 120, schedule())
    assert due == lisbon(2026, 3, 30, 10)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC)
    assert business_minutes_between(lisbon(2026, 3, 27, 16), due, schedule()) == 120


def test_minutes_between_cross_a_weekend_and_a_holiday():
    s = schedule(holidays={dt.date(2026, 3, 9)})
    assert business_minutes_between(lisbon(2026, 3, 6, 15), lisbon(2026, 3, 10, 11), s) == 240
    assert business_minutes_between(lisbon(2026, 3, 10, 11), lisbon(2026, 3, 6, 15), s) == -240


def test_negative_minutes_go_back_in_business_time():
    assert add_business_minutes(lisbon(2026, 3, 9, 11), -240, schedule()) == lisbon(2026, 3, 6, 15)


def test_without_a_schedule_minutes_are_wall_clock():
    start = lisbon(2026, 3, 7, 12)
    assert add_business_minutes(start, 60, None) == start + dt.timedelta(hours=1)
    assert business_minutes_between(start, start + dt.timedelta(hours=2), None) == 120


@pytest.mark.django_db
def test_sla_due_times_count_the_departments_business_hours(support, support_queue, settings):
    SlaPolicy.objects.update_or_create(
        priority="normal", defaults={"first_response_minutes": 120, "resolution_minutes": 600}
    )
    calendar = BusinessCalendar.objects.create(department=support, timezone="Europe/Lisbon")
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 3, 9), name="Closed")
    from django.utils import timezone

    friday_four_pm = lisbon(2026, 3, 6, 16)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: friday_four_pm.astimezone(dt.UTC))
        ticket = services.create_ticket(subject="Hello", body="Hi", customer_email="x@example.com", queue=support_queue)
    assert ticket.first_response_due == lisbon(2026, 3, 10, 10)
    assert ticket.resolution_due == lisbon(2026, 3, 11, 10)


@pytest.mark.django_db
def test_without_a_calendar_sla_due_times_are_wall_clock(support_queue):
    SlaPolicy.objects.update_or_create(
        priority="normal", defaults={"first_response_minutes": 120, "resolution_minutes": 600}
    )
    ticket = services.create_ticket(subject="Hello", body="Hi", customer_email="x@example.com", queue=support_queue)
    assert ticket.first_response_due == ticket.created_at + dt.timedelta(hours=2)
