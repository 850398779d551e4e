"""A pending request is visible on the ticket and blocks closing it."""

import pytest

from agents import services
from helpdesk.errors import DomainError
from tickets import hooks
from tickets.services import change_status

pytestmark = pytest.mark.django_db


def test_the_guard_is_registered():
    from agents.selectors import pending_close_guard

    assert hooks.transition_guards.count(pending_close_guard) == 1


def test_a_pending_request_blocks_closing(ticket, agent, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="Late")
    change_status(ticket=ticket, status="solved", by=agent)  # solving is fine
    with pytest.raises(DomainError) as exc:
        change_status(ticket=ticket, status="closed", by=agent)
    assert "waiting for approval" in exc.value.message
    ticket.refresh_from_db()
    assert ticket.status == "solved"


def test_once_decided_the_ticket_closes(ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="Late")
    services.reject_offscript_action(action=action, by=staffed[0], note="No")
    change_status(ticket=ticket, status="solved", by=agent)
    assert change_status(ticket=ticket, status="closed", by=agent).status == "closed"


def test_an_approved_action_does_not_block_closing(ticket, agent, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="10", reason="Late")
    change_status(ticket=ticket, status="solved", by=agent)
    assert change_status(ticket=ticket, status="closed", by=agent).status == "closed"


def test_a_bulk_close_leaves_the_ticket_with_a_pending_request_and_closes_the_others(
    ticket, agent, staffed, support_queue
):
    from tickets.services_bulk import bulk_change
    from tickets.tests.factories import TicketFactory

    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="Late")
    change_status(ticket=ticket, status="solved", by=agent)
    others = [TicketFactory(queue=support_queue, status="solved") for _ in range(3)]
    results = bulk_change(by=agent, ids=[ticket.pk] + [t.pk for t in others], changes={"status": "closed"})
    assert [(r.ok, r.field) for r in results] == [(False, "status")] + [(True, "")] * 3
    assert "waiting for approval" in results[0].error
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert {t.status for t in type(ticket).objects.filter(pk__in=[t.pk for t in others])} == {"closed"}
