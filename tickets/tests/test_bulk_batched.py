"""A bulk change of priority and tags is applied in a few statements: the result must be what the
single-ticket services give, ticket by ticket (values, SLA targets, one history row per change)."""

import pytest

from tickets import services
from tickets.models import EventKind, Priority, SlaPolicy, Ticket
from tickets.services_bulk import bulk_change
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(db):
    for priority, first, resolution in [("normal", 240, 2880), ("urgent", 30, 240)]:
        SlaPolicy.objects.update_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )


def _state(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    history = [(e.kind, e.old_value, e.new_value, e.actor_id) for e in ticket.events.exclude(kind=EventKind.CREATED)]
    return (
        ticket.priority,
        ticket.first_response_due,
        ticket.resolution_due,
        sorted(ticket.tags.values_list("name", flat=True)),
        history,
    )


def test_a_batched_bulk_change_equals_the_single_services_ticket_by_ticket(agent, support_queue, policies):
    by_hand = [TicketFactory(queue=support_queue, status="open") for _ in range(3)]
    in_bulk = [TicketFactory(queue=support_queue, status="open", created_at=t.created_at) for t in by_hand]
    for ticket in (by_hand[1], in_bulk[1]):
        services.set_tags(ticket=ticket, names=["old", "vip"], by=agent)
    for ticket in (by_hand[2], in_bulk[2]):
        services.set_priority(ticket=ticket, priority=Priority.URGENT, by=agent)
    for ticket in by_hand:
        services.set_priority(ticket=ticket, priority=Priority.URGENT, by=agent)
        current = set(ticket.tags.values_list("name", flat=True))
        services.set_tags(ticket=ticket, names=sorted((current | {"courier"}) - {"old"}), by=agent)
    results = bulk_change(
        by=agent,
        ids=[t.pk for t in in_bulk],
        changes={"priority": "urgent", "add_tags": ["Courier"], "remove_tags": ["old"]},
    )
    assert [r.ok for r in results] == [True, True, True]
    for hand, bulk in zip(by_hand, in_bulk, strict=True):
        assert _state(hand) == _state(bulk)


def test_a_batched_change_leaves_unseen_tickets_alone_and_reports_them(agent, support_queue, billing_queue):
    mine = TicketFactory(queue=support_queue, status="open")
    theirs = TicketFactory(queue=billing_queue, status="open")
    results = bulk_change(by=agent, ids=[theirs.pk, mine.pk], changes={"priority": "high", "add_tags": ["x"]})
    assert [(r.id, r.ok, r.error) for r in results] == [(theirs.pk, False, "Not found."), (mine.pk, True, "")]
    theirs.refresh_from_db()
    assert theirs.priority == "normal" and not theirs.tags.exists() and not theirs.events.exists()


def test_an_unknown_priority_in_bulk_is_refused_naming_it(agent, support_queue):
    from helpdesk.errors import DomainError

    ticket = TicketFactory(queue=support_queue, status="open")
    with pytest.raises(DomainError) as refused:
        bulk_change(by=agent, ids=[ticket.pk], changes={"priority": "asap"})
    assert refused.value.field == "priority"
