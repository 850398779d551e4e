"""Reads for mailroom's pages and panels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mailroom.models import (
    InboundEmail,
    InboundStatus,
    OutboundEmail,
    OutboxMessage,
    QuarantinedEmail,
    QuarantineStatus,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tickets.models import Message, Ticket

PANEL_LIMIT = 20


def outbound_for_ticket(ticket: Ticket, *, limit: int = PANEL_LIMIT) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(ticket=ticket)
        .only(
            "id",
            "kind",
            "to",
            "cc",
            "subject",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "next_attempt_at",
            "ticket_id",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def outbox_messages() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.only("id", "from_email", "recipients", "subject", "created_at")


def quarantined(*, status: str = QuarantineStatus.HELD) -> QuerySet[QuarantinedEmail]:
    qs = QuarantinedEmail.objects.defer("raw")
    return qs.filter(status=status) if status else qs


def inbound_by_message(messages: Iterable[Message]) -> dict[int, InboundEmail]:
    """The InboundEmail of each message, in one query (for a thread that did not select_related it)."""
    ids = [m.pk for m in messages]
    return {i.ticket_message_id: i for i in InboundEmail.objects.filter(ticket_message_id__in=ids).defer("raw")}


def ignored_mail() -> QuerySet[InboundEmail]:
    return InboundEmail.objects.filter(status=InboundStatus.IGNORED).defer(
        "raw", "body_text", "visible_html", "quoted_html", "quoted_text"
    )
