"""Mail to a merged ticket lands on the ticket it was merged into (issue 16)."""

import pytest

from mailroom.tests.conftest import ingest
from tickets.models import Ticket
from tickets.services_bulk import merge_tickets
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_a_reply_by_in_reply_to_to_a_merged_ticket_lands_on_its_target(queues, agent):
    merged = ingest("plain_utf8.eml").inbound.ticket
    target = TicketFactory(queue=merged.queue, customer=merged.customer, status="open")
    merge_tickets(ticket=merged, into=target, by=agent)

    inbound = ingest("reply_phone_signature.eml").inbound

    assert inbound.ticket == target
    assert target.messages.filter(body__contains="Any news on the refund?").exists()


def test_a_reply_by_subject_reference_to_a_merged_ticket_lands_on_its_target(queues, agent):
    merged = ingest("portuguese_cp1252.eml").inbound.ticket
    target = TicketFactory(queue=merged.queue, customer=merged.customer, status="open")
    merge_tickets(ticket=merged, into=target, by=agent)

    inbound = ingest("portuguese_reply_subject_ref.eml", **{"LAT-000000": merged.reference}).inbound

    assert inbound.ticket == target
    assert Ticket.objects.count() == 2
