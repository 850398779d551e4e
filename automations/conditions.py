"""Conditions: `{field, operator, value}`, read lazily from the ticket so unused fields cost no query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tickets.models import MessageKind, TicketEvent

FIELDS = {
    "subject": _("Subject"),
    "body": _("Message text"),
    "queue": _("Queue"),
    "priority": _("Priority"),
    "channel": _("Channel"),
    "language": _("Language"),
    "tags": _("Tags"),
    "status": _("Status"),
    "customer_email": _("Customer e-mail"),
    "customer.last_rating": _("Customer's last rating"),
    "had_offscript": _("Had an off-script action"),
}
# Time rules (event "hourly"): business hours since a moment (`at_least` N) or until a due time
# (`within` N). The hourly pass turns each into an indexed filter; see automations.timed.
TIME_FIELDS = {
    "hours_since_created": _("Business hours since created"),
    "hours_since_updated": _("Business hours since updated"),
    "hours_pending": _("Business hours pending"),
    "hours_solved": _("Business hours since solved"),
    "first_response_due_within": _("First response due within (business hours)"),
    "resolution_due_within": _("Resolution due within (business hours)"),
}
TIME_OPERATORS = {"at_least": _("at least"), "within": _("within")}
OPERATORS = {
    "is": _("is"),
    "is_not": _("is not"),
    "contains": _("contains"),
    "not_contains": _("does not contain"),
}


def valid_field(field: str) -> bool:
    """A condition's field: one of FIELDS or TIME_FIELDS, or `field.<key>` of a defined custom field."""
    if field.startswith("field.") and len(field) > 6:
        from tickets.models import TicketField

        return TicketField.objects.filter(key=field[6:]).exists()
    return field in FIELDS or field in TIME_FIELDS


class Facts:
    """What conditions read of one ticket, each loaded at most once."""

    def __init__(self, ticket, ticket_event: TicketEvent | None = None):
        self.ticket = ticket
        self.ticket_event = ticket_event
        self._cache: dict = {}

    def forget(self) -> None:
        self._cache.clear()

    def get(self, field: str):
        if field not in self._cache:
            self._cache[field] = self._load(field)
        return self._cache[field]

    def _load(self, field: str):
        t = self.ticket
        if field in ("subject", "priority", "channel", "language", "status"):
            return getattr(t, field)
        if field == "queue":
            return t.queue_id
        if field == "tags":
            return sorted(t.tags.values_list("name", flat=True))
        if field == "customer_email":
            return t.customer.email
        if field == "body":
            message_id = (self.ticket_event.data or {}).get("message") if self.ticket_event else None
            from tickets.models import Message

            qs = Message.objects.filter(ticket_id=t.pk)
            if message_id:
                qs = qs.filter(pk=message_id)
            else:
                qs = qs.filter(kind=MessageKind.CUSTOMER).order_by("-created_at", "-id")
            return qs.values_list("body", flat=True).first() or ""
        if field == "customer.last_rating":
            from feedback.models import Survey

            return (
                Survey.objects.filter(ticket__customer_id=t.customer_id, rating__isnull=False)
                .order_by("-answered_at", "-id")
                .values_list("rating", flat=True)
                .first()
            )
        if field == "had_offscript":
            from agents.models import OffscriptAction

            return OffscriptAction.objects.filter(ticket_id=t.pk).exists()
        if field.startswith("field."):
            fields = getattr(t, "fields", None) or {}
            return fields.get(field[6:])
        raise ValueError(f"unknown field {field}")


def _norm(value) -> str:
    return str(value).strip().casefold() if value is not None else ""


def holds(condition: dict, facts: Facts) -> bool:
    field, operator, expected = condition["field"], condition["operator"], condition.get("value")
    actual = facts.get(field)
    expected_list = expected if isinstance(expected, list) else [expected]
    if isinstance(actual, list):  # tags: "is"/"contains" = has all of them; negations = has none
        have = {_norm(a) for a in actual}
        wanted = {_norm(e) for e in expected_list}
        if operator in ("is", "contains"):
            return wanted <= have
        return not (wanted & have)
    if isinstance(actual, bool) or field == "had_offscript":
        truthy = _norm(expected) in ("true", "1", "yes")
        return (bool(actual) == truthy) == (operator in ("is", "contains"))
    if operator in ("is", "is_not"):
        match = _norm(actual) in {_norm(e) for e in expected_list} if actual is not None else expected is None
        return match if operator == "is" else not match
    found = any(_norm(e) in _norm(actual) for e in expected_list)
    return found if operator == "contains" else not found
