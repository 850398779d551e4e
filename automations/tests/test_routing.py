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
