"""Time rules: the hourly pass acts on qualifying tickets once per state, in business hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from automations import services
from automations.models import RuleRun
from automations.timed import run_time_rules
from tickets.models import BusinessCalendar, Message, Ticket
from tickets.tests.factories import TicketFactory

LISBON = ZoneInfo("Europe/Lisbon")


def pending_rule(hours, actions):
    return services.create_rule(
        name=f"pending {hours}",
        event="hourly",
        conditions=[{"field": "hours_pending", "operator": "at_least", "value": hours}],
        actions=actions,
    )


@pytest.mark.django_db
def test_a_pending_reminder_goes_once_per_pending_state_in_the_customers_language(support_queue, customer):
    rule = pending_rule(24, [{"type": "email_customer", "value": "pending_reminder"}])
    now = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    ticket = TicketFactory(
        queue=support_queue, customer=customer, status="pending", status_changed_at=now - dt.timedelta(hours=25)
    )
    TicketFactory(queue=support_queue, status="pending", status_changed_at=now - dt.timedelta(hours=20))
    assert run_time_rules(now=now) == 1
    assert run_time_rules(now=now + dt.timedelta(hours=1)) == 0
    reply = Message.objects.get(ticket=ticket, kind="reply")
    assert ticket.reference in reply.body and "Hello" not in reply.body  # Greek customer
    assert RuleRun.objects.filter(rule=rule).count() == 1


@pytest.mark.django_db
def test_pending_hours_count_business_hours_only(support, support_queue):
    BusinessCalendar.objects.create(department=support, timezone="Europe/Lisbon")
    pending_rule(8, [{"type": "set_status", "value": "solved"}])
    # Pending since Friday 13:00: by Monday 12:00 that is 4 + 3 = 7 business hours, by 14:00 it is 9.
    friday = dt.datetime(2026, 3, 6, 13, tzinfo=LISBON)
    ticket = TicketFactory(queue=support_queue, status="pending", status_changed_at=friday)
    assert run_time_rules(now=dt.datetime(2026, 3, 9, 12, tzinfo=LISBON)) == 0
    assert run_time_rules(now=dt.datetime(2026, 3, 9, 14, tzinfo=LISBON)) == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


@pytest.mark.django_db
def test_first_response_due_soon_and_unassigned_notifies_the_lead(support_queue, lead):
    services.create_rule(
        name="due soon",
        event="hourly",
        conditions=[
            {"field": "first_response_due_within", "operator": "within", "value": 1},
            {"field": "status", "operator": "is", "value": "new"},
        ],
        actions=[{"type": "notify", "value": "lena"}],
    )
    now = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    TicketFactory(queue=support_queue, status="new", first_response_due=now + dt.timedelta(minutes=30))
    TicketFactory(queue=support_queue, status="new", first_response_due=now + dt.timedelta(hours=3))
    assert run_time_rules(now=now) == 1
    from notices.models import Notice

    assert Notice.objects.filter(user=lead).count() == 1


def lisbon_calendar(department):
    return BusinessCalendar.objects.create(department=department, timezone="Europe/Lisbon")


@pytest.mark.django_db
def test_the_hourly_task_runs_under_frozen_time(support, support_queue):
    from freezegun import freeze_time

    from automations.tasks import run_time_rules as task

    lisbon_calendar(support)
    pending_rule(8, [{"type": "set_status", "value": "solved"}])
    ticket = TicketFactory(
        queue=support_queue, status="pending", status_changed_at=dt.datetime(2026, 3, 6, 13, tzinfo=LISBON)
    )
    with freeze_time(dt.datetime(2026, 3, 9, 12, tzinfo=LISBON)):
        assert task.apply().get() == 0
    with freeze_time(dt.datetime(2026, 3, 9, 14, tzinfo=LISBON)):
        assert task.apply().get() == 1
        assert task.apply().get() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


@pytest.mark.django_db
def test_pending_hours_across_the_spring_dst_change_keep_local_hours(support, support_queue):
    lisbon_calendar(support)
    pending_rule(8, [{"type": "add_tags", "value": ["stale"]}])
    # Lisbon moves to summer time on Sunday 29 March 2026. Pending since Friday 16:00 (1 h that day):
    # 7 more hours on Monday make 8 at 16:00 local time, which is 15:00 UTC after the change.
    TicketFactory(queue=support_queue, status="pending", status_changed_at=dt.datetime(2026, 3, 27, 16, tzinfo=LISBON))
    assert run_time_rules(now=dt.datetime(2026, 3, 30, 14, 45, tzinfo=dt.UTC)) == 0  # 15:45 local
    assert run_time_rules(now=dt.datetime(2026, 3, 30, 15, 0, tzinfo=dt.UTC)) == 1  # 16:00 local


@pytest.mark.django_db
def test_a_holiday_does_not_count_towards_pending_hours(support, support_queue):
    from tickets.models import Holiday

    calendar = lisbon_calendar(support)
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 4, 3), name="Sexta-feira Santa")
    pending_rule(2, [{"type": "add_tags", "value": ["stale"]}])
    # Pending since Thursday 16:00: 1 h on Thursday, none on the holiday Friday, the 2nd at Monday 10:00.
    TicketFactory(queue=support_queue, status="pending", status_changed_at=dt.datetime(2026, 4, 2, 16, tzinfo=LISBON))
    assert run_time_rules(now=dt.datetime(2026, 4, 3, 17, tzinfo=LISBON)) == 0
    assert run_time_rules(now=dt.datetime(2026, 4, 6, 9, 30, tzinfo=LISBON)) == 0
    assert run_time_rules(now=dt.datetime(2026, 4, 6, 10, tzinfo=LISBON)) == 1


@pytest.mark.django_db
def test_a_ticket_created_outside_hours_counts_from_the_next_opening(support, support_queue, lead):
    lisbon_calendar(support)
    services.create_rule(
        name="unanswered an hour",
        event="hourly",
        conditions=[{"field": "hours_since_created", "operator": "at_least", "value": 1}],
        actions=[{"type": "notify", "value": "lena"}],
    )
    TicketFactory(queue=support_queue, status="new", created_at=dt.datetime(2026, 3, 7, 22, tzinfo=LISBON))  # Sat
    assert run_time_rules(now=dt.datetime(2026, 3, 9, 9, 50, tzinfo=LISBON)) == 0
    assert run_time_rules(now=dt.datetime(2026, 3, 9, 10, 0, tzinfo=LISBON)) == 1


@pytest.mark.django_db
def test_a_ticket_that_becomes_pending_again_qualifies_again(support_queue):
    pending_rule(24, [{"type": "add_tags", "value": ["reminded"]}])
    now = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    ticket = TicketFactory(queue=support_queue, status="pending", status_changed_at=now - dt.timedelta(hours=30))
    assert run_time_rules(now=now) == 1
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=now + dt.timedelta(days=2))
    assert run_time_rules(now=now + dt.timedelta(days=2, hours=12)) == 0
    assert run_time_rules(now=now + dt.timedelta(days=3, hours=1)) == 1
    assert RuleRun.objects.filter(ticket=ticket).count() == 2


@pytest.mark.django_db
def test_a_rule_without_a_time_condition_never_runs_hourly(support_queue):
    services.create_rule(name="no time", event="hourly", conditions=[], actions=[{"type": "add_tags", "value": ["x"]}])
    TicketFactory(queue=support_queue, status="pending")
    assert run_time_rules(now=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)) == 0


@pytest.mark.django_db
def test_a_workers_batch_acts_once_and_not_after_the_rule_is_switched_off(support_queue):
    from automations.timed import act_time_rule

    rule = pending_rule(24, [{"type": "add_tags", "value": ["reminded"]}])
    now = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    ticket = TicketFactory(queue=support_queue, status="pending", status_changed_at=now - dt.timedelta(hours=30))
    fresh = TicketFactory(queue=support_queue, status="pending", status_changed_at=now - dt.timedelta(hours=2))
    ids = [ticket.pk, fresh.pk]
    services.update_rule(rule=rule, active=False)
    assert act_time_rule(rule_id=rule.pk, ticket_ids=ids, at=now.isoformat()) == 0
    services.update_rule(rule=rule, active=True)
    assert act_time_rule(rule_id=rule.pk, ticket_ids=ids, at=now.isoformat()) == 1  # the fresh one does not qualify
    assert act_time_rule(rule_id=rule.pk, ticket_ids=ids, at=now.isoformat()) == 0  # a redelivered batch
    assert RuleRun.objects.filter(rule=rule).count() == 1
