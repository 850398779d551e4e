"""Reads for the customer portal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from portal.models import Organisation
from tickets.models import Attachment, Customer, Message, MessageKind, Ticket

if TYPE_CHECKING:
    from feedback.models import Survey

PUBLIC_KINDS = (MessageKind.CUSTOMER, MessageKind.REPLY)


def shares_organisation_tickets(customer: Customer) -> bool:
    name = (customer.organisation or "").strip()
    return bool(name) and Organisation.objects.filter(name__iexact=name, share_tickets=True).exists()


def portal_tickets(customer: Customer) -> QuerySet[Ticket]:
    """The customer's own tickets, and their organisation's where it shares them."""
    condition = Q(customer=customer)
    if shares_organisation_tickets(customer):
        condition |= Q(customer__organisation__iexact=customer.organisation.strip())
    return Ticket.objects.filter(condition)


def ticket_list(customer: Customer) -> QuerySet[Ticket]:
    return portal_tickets(customer).select_related("customer").order_by("-updated_at", "-id")


def public_thread(ticket: Ticket) -> QuerySet[Message]:
    """What the customer may read: their messages and our public replies, never internal notes."""
    return (
        ticket.messages.filter(kind__in=PUBLIC_KINDS)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.filter(content_id="")))
        .order_by("created_at", "id")
    )


def pending_survey(ticket: Ticket) -> Survey | None:
    """The ticket's survey that is waiting for (or may still change) an answer, if any."""
    from feedback.models import Survey, SurveyStatus

    survey = (
        Survey.objects.filter(ticket=ticket, status__in=(SurveyStatus.SENT, SurveyStatus.ANSWERED))
        .order_by("-id")
        .first()
    )
    if survey is None or survey.is_expired():
        return None
    return survey
