"""Everything Latitude holds about one customer, for the export."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.models import OffscriptAction
from feedback.models import Survey
from tickets.models import Attachment, Customer, Message, Ticket


def customer_tickets(customer: Customer) -> QuerySet[Ticket]:
    return Ticket.objects.filter(customer=customer).select_related("queue", "assignee").order_by("created_at", "id")


def customer_messages(customer: Customer) -> QuerySet[Message]:
    return Message.objects.filter(ticket__customer=customer).select_related("author").order_by("created_at", "id")


def customer_attachments(customer: Customer) -> QuerySet[Attachment]:
    return Attachment.objects.filter(message__ticket__customer=customer).order_by("id")


def customer_surveys(customer: Customer) -> QuerySet[Survey]:
    return Survey.objects.filter(customer=customer).order_by("solved_at", "id")


def customer_offscript_actions(customer: Customer) -> QuerySet[OffscriptAction]:
    return (
        OffscriptAction.objects.filter(ticket__customer=customer)
        .select_related("kind", "agent", "reason_code")
        .order_by("created_at", "id")
    )
