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
