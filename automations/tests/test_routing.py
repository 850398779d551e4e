"""Round robin: fair among available agents and leads, never managers, skipping the away and the full."""

from collections import Counter

import pytest

from automations import routing
from automations.models import AgentState
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory, UserFactory


@pytest.mark.django_db
def test_a_thousand_assignments_are_spread_evenly_and_never_to_managers(
    support, support_queue, agent, teammate, lead, manager
):
    tickets = TicketFactory.create_batch(1000, queue=support_queue, status="new")
    for ticket in tickets:
        routing.assign_round_robin(ticket=ticket)
        # Agents solve as they go, so nobody is ever at capacity here.
    counts = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    assert set(counts) == {"ana", "tomas", "lena"}
    assert max(counts.values()) - min(counts.values()) <= 1


@pytest.mark.django_db
def test_the_one_assigned_longest_ago_goes_first(support_queue, agent, teammate):
    first = routing.assign_round_robin(ticket=TicketFactory(queue=support_queue))
    second = routing.assign_round_robin(ticket=TicketFactory(queue=support_queue))
    third = routing.assign_round_robin(ticket=TicketFactory(queue=support_queue))
    assert first != second and third == first


@pytest.mark.django_db
def test_an_agent_who_is_away_gets_no_automatic_assignment(support_queue, agent, teammate):
    routing.set_availability(user=agent, availability="away")
    for _ in range(3):
        assert routing.assign_round_robin(ticket=TicketFactory(queue=support_queue)) == teammate


@pytest.mark.django_db
def test_an_agent_at_capacity_is_skipped(support_queue, agent, teammate):
    AgentState.objects.create(user=agent, max_open=1)
    TicketFactory(queue=support_queue, assignee=agent, status="open")
    for _ in range(3):
        assert routing.assign_round_robin(ticket=TicketFactory(queue=support_queue)) == teammate


@pytest.mark.django_db
def test_load_balanced_picks_the_fewest_open_tickets(support_queue, agent, teammate):
    TicketFactory.create_batch(3, queue=support_queue, assignee=agent, status="open")
    for _ in range(3):
        assert routing.assign_round_robin(ticket=TicketFactory(queue=support_queue), balanced=True) == teammate


@pytest.mark.django_db
def test_nobody_available_is_an_action_error(support_queue, agent):
    from automations.actions import ActionError

    routing.set_availability(user=agent, availability="away")
    with pytest.raises(ActionError):
        routing.assign_round_robin(ticket=TicketFactory(queue=support_queue))


@pytest.mark.django_db
def test_agents_of_another_department_are_never_chosen(support_queue, agent, billing):
    UserFactory(username="bruno", role="agent", department=billing)
    assert routing.assign_round_robin(ticket=TicketFactory(queue=support_queue)) == agent


@pytest.mark.django_db
def test_load_balanced_assignments_keep_open_loads_level(support_queue, agent, teammate, lead):
    from tickets import services as ticket_services

    people = [agent, teammate, lead]
    for n in range(300):
        routing.assign_round_robin(ticket=TicketFactory(queue=support_queue, status="new"), balanced=True)
        if n % 10 == 9:  # ana works faster than the others: one of hers is solved every tenth ticket
            oldest = Ticket.objects.filter(assignee=agent, status="open").order_by("pk").first()
            ticket_services.change_status(ticket=oldest, status="solved", by=agent)
            routing.assign_round_robin(ticket=TicketFactory(queue=support_queue, status="new"), balanced=True)
    open_counts = [Ticket.objects.filter(assignee=p, status="open").count() for p in people]
    assert max(open_counts) - min(open_counts) <= 1
    # …so ana, who solves more, was given more.
    given = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    assert given["ana"] > given["tomas"]


@pytest.mark.django_db
def test_the_round_robin_action_spreads_new_tickets_and_records_the_rule(support_queue, agent, teammate, lead):
    from automations import services
    from automations.engine import forget_rules
    from tickets import services as ticket_services
    from tickets.models import TicketEvent

    forget_rules()
    rule = services.create_rule(
        name="round robin",
        event="ticket_created",
        conditions=[],
        actions=[{"type": "assign_round_robin", "value": None}],
    )
    for n in range(30):
        ticket_services.create_ticket(
            subject=f"Question {n}", body="?", customer_email=f"c{n}@example.com", queue=support_queue
        )
    counts = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    assert counts == {"ana": 10, "tomas": 10, "lena": 10}
    assert TicketEvent.objects.filter(kind="assignee", by_rule=rule.pk).count() == 30
    forget_rules()


@pytest.mark.django_db
def test_when_nobody_is_available_the_rule_records_why_and_the_ticket_is_created(support_queue, agent):
    from automations import services
    from automations.engine import forget_rules
    from automations.models import RuleRun
    from tickets import services as ticket_services

    forget_rules()
    routing.set_availability(user=agent, availability="away")
    rule = services.create_rule(
        name="round robin",
        event="ticket_created",
        conditions=[],
        actions=[{"type": "assign_round_robin", "value": None}],
    )
    ticket = ticket_services.create_ticket(subject="Hi", body="?", customer_email="c@example.com", queue=support_queue)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert "available" in RuleRun.objects.get(rule=rule).errors[0]["error"]
    forget_rules()
