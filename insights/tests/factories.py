"""Surveys and off-script actions as the feedback and agents apps leave them, built directly for reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from agents.models import OffscriptAction, OffscriptKind
from feedback.models import Survey, SurveyStatus
from feedback.services import refresh_report_fields
from tickets.models import EventKind, TicketEvent
from tickets.tests.factories import CustomerFactory, TicketFactory


def make_survey(
    *,
    agent,
    queue,
    sent_at: dt.datetime | None,
    rating: int | None = None,
    ticket=None,
    comment: str = "",
    low_reason: str = "",
    channel: str = "web",
    department=None,
) -> Survey:
    """A survey for one solve; agent, queue and department are those at solve time (an hour before sending);
    channel and the off-script and reopened flags are its ticket's, as feedback keeps them."""
    if ticket is None:
        ticket = TicketFactory(
            queue=queue, customer=CustomerFactory(), assignee=agent, status="solved", channel=channel
        )
    solved_at = (sent_at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) - dt.timedelta(hours=1)
    survey = Survey.objects.create(
        ticket=ticket,
        customer=ticket.customer,
        agent=agent,
        queue=queue,
        department=department or queue.department,
        channel=ticket.channel,
        status=SurveyStatus.ANSWERED if rating else (SurveyStatus.SENT if sent_at else SurveyStatus.SCHEDULED),
        solved_at=solved_at,
        due_at=solved_at + dt.timedelta(hours=1),
        sent_at=sent_at,
        rating=rating,
        comment=comment,
        low_reason=low_reason,
        answered_at=(sent_at + dt.timedelta(hours=2)) if rating and sent_at else None,
    )
    refresh_report_fields(ticket_ids=[ticket.pk])  # as sending does: actions or reopenings already there
    survey.refresh_from_db()
    return survey


def make_kind(name: str = "Refund", slug: str = "refund", currency: str = "EUR", has_amount: bool = True):
    return OffscriptKind.objects.get_or_create(
        slug=slug, defaults={"name": name, "currency": currency, "has_amount": has_amount}
    )[0]


def make_action(*, ticket, agent, kind, amount: str | None = "10.00", status: str = "approved", created_at=None):
    return OffscriptAction.objects.create(
        ticket=ticket,
        agent=agent,
        kind=kind,
        amount=Decimal(amount) if amount is not None else None,
        currency=kind.currency if amount is not None else "",
        reason="Goodwill",
        status=status,
        **({"created_at": created_at} if created_at else {}),
    )


def reopen(ticket, at: dt.datetime) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.STATUS, old_value="solved", new_value="open", created_at=at
    )
