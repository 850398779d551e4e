"""What each webhook event says: codes and raw values, the same for every receiver."""

from __future__ import annotations

from tickets.models import EventKind, Message, Status, Ticket, TicketEvent
from webhooks.models import EventType

TICKET_CHANGE_KINDS = {EventKind.STATUS, EventKind.ASSIGNEE, EventKind.PRIORITY, EventKind.QUEUE, EventKind.TAGS}
MESSAGE_KINDS = {EventKind.REPLY, EventKind.NOTE, EventKind.CUSTOMER_MESSAGE}


def ticket_data(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "queue": ticket.queue_id,
        "assignee": ticket.assignee.get_username() if ticket.assignee_id else None,
        "customer_email": ticket.customer.email,
        "channel": ticket.channel,
        "language": ticket.language,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
    }


def message_data(message: Message) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "internal": message.internal,
        "author": message.author.get_username() if message.author_id else None,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def from_ticket_event(event: TicketEvent, messages: dict[int, Message] | None = None) -> list[tuple[str, dict]]:
    """The webhook events one ticket history row stands for (none for most bookkeeping rows). `messages`:
    the rows' messages by id, read beforehand for many rows at once (else read here)."""
    ticket = event.ticket
    actor = event.actor.get_username() if event.actor_id else None
    base = {"ticket": ticket_data(ticket), "actor": actor, "by_rule": event.by_rule}
    out: list[tuple[str, dict]] = []
    if event.kind == EventKind.CREATED:
        out.append((EventType.TICKET_CREATED, base))
    elif event.kind in TICKET_CHANGE_KINDS:
        change = {"field": event.kind, "old": event.old_value, "new": event.new_value}
        out.append((EventType.TICKET_UPDATED, {**base, "change": change}))
        if event.kind == EventKind.STATUS and event.new_value == Status.SOLVED:
            out.append((EventType.TICKET_SOLVED, base))
    elif event.kind in MESSAGE_KINDS and event.data.get("message"):
        if messages is None:
            message = Message.objects.select_related("author").filter(pk=event.data["message"]).first()
        else:
            message = messages.get(event.data["message"])
        if message is not None:
            out.append((EventType.MESSAGE_CREATED, {**base, "message": message_data(message)}))
    elif event.kind == EventKind.SURVEY and "rating" in event.data:
        survey = {
            "id": event.data.get("survey"),
            "rating": event.data["rating"],
            "reason": event.data.get("reason", ""),
            "changed": bool(event.data.get("changed")),
        }
        out.append((EventType.SURVEY_ANSWERED, {**base, "survey": survey}))
    elif event.kind == EventKind.OFFSCRIPT and event.data.get("action"):
        out.extend(_offscript(event, base))
    return out


def _offscript(event: TicketEvent, base: dict) -> list[tuple[str, dict]]:
    data = event.data
    action = {
        "id": data["action"],
        "kind": data.get("kind"),
        "amount": data.get("amount"),
        "currency": data.get("currency"),
        "status": data.get("status"),
    }
    if "from_level" in data:  # an escalation: neither a new request nor a decision
        return []
    if "note" in data:  # approve / reject by a person
        return [(EventType.OFFSCRIPT_DECIDED, {**base, "action": {**action, "note": data.get("note", "")}})]
    if data.get("status") == "pending":
        return [(EventType.OFFSCRIPT_REQUESTED, {**base, "action": {**action, "level": data.get("level")}})]
    if data.get("status") == "approved":  # within the agent's discretion: requested and decided at once
        return [
            (EventType.OFFSCRIPT_REQUESTED, {**base, "action": action}),
            (EventType.OFFSCRIPT_DECIDED, {**base, "action": {**action, "note": ""}}),
        ]
    return []


def kudos_data(kudos) -> dict:
    return {
        "kudos": {
            "id": kudos.pk,
            "giver": kudos.giver.get_username(),
            "recipient": kudos.recipient.get_username(),
            "message": kudos.message,
            "ticket": kudos.ticket_id,
            "value": str(kudos.value) if kudos.value_id else None,
            "created_at": kudos.created_at.isoformat(),
        }
    }
