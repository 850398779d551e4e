"""The report rows follow a bulk change as they follow single changes (one bulk UPDATE for the batch)."""

import pytest

from insights.models import TicketStats
from tickets import services
from tickets.models import SlaPolicy
from tickets.services_bulk import bulk_change

pytestmark = pytest.mark.django_db


def test_a_bulk_priority_change_moves_the_report_rows_sla_targets(agent, support_queue):
    SlaPolicy.objects.update_or_create(
        priority="urgent", defaults={"first_response_minutes": 30, "resolution_minutes": 60}
    )
    tickets = [
        services.create_ticket(subject=f"S{n}", body="?", customer_email=f"s{n}@example.com", queue=support_queue)
        for n in range(3)
    ]
    bulk_change(by=agent, ids=[t.pk for t in tickets], changes={"priority": "urgent", "add_tags": ["x"]})
    for ticket in tickets:
        ticket.refresh_from_db()
        row = TicketStats.objects.get(pk=ticket.pk)
        assert (row.resolution_due, row.first_response_due) == (ticket.resolution_due, ticket.first_response_due)
