"""The one ticket ordering table, shared by the inbox (`?sort=`) and the API (`?ordering=`).

Adding an ordering is one line in TICKET_ORDERINGS. `key` is the API's value; `inbox` (when set) is the
inbox's value and puts it in the inbox's sort menu; `by` are `order_by()` arguments ending in a
tie-breaker, so pages never overlap; `annotate` adds what `by` needs (e.g. the priority rank).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Status, Ticket, priority_rank_expression, sla_due_expression

# The statuses in which an SLA clock runs (pending and on-hold pause it).
SLA_STATUSES = (Status.NEW, Status.OPEN)


def with_priority_rank(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`priority_rank`: low 0 … urgent 3."""
    return qs.annotate(priority_rank=priority_rank_expression())


def with_sla_due(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`sla_due`: the SLA target the ticket must meet next while it waits on us (missing first response or
    resolution, whichever is sooner; business hours are in the stored due times); null when the clock is paused."""
    return qs.annotate(sla_due=sla_due_expression())


def with_urgency(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return with_priority_rank(with_sla_due(qs))


@dataclass(frozen=True)
class Ordering:
    key: str
    label: Promise
    by: tuple
    inbox: str = ""
    annotate: Callable[[QuerySet[Ticket]], QuerySet[Ticket]] | None = None


TICKET_ORDERINGS: list[Ordering] = [
    # Breached first (an overdue target sorts before a due one by time alone), then due soonest, then priority.
    Ordering(
        "urgency",
        _("Most urgent first"),
        (F("sla_due").asc(nulls_last=True), "-priority_rank", "-updated_at", "-id"),
        "urgency",
        with_urgency,
    ),
    Ordering("-updated_at", _("Recently updated"), ("-updated_at", "-id"), inbox="updated"),
    Ordering("updated_at", _("Least recently updated"), ("updated_at", "id"), inbox="-updated"),
    Ordering("-created_at", _("Newest"), ("-created_at", "-id"), inbox="created"),
    Ordering("created_at", _("Oldest"), ("created_at", "id"), inbox="-created"),
    Ordering(
        "-priority",
        _("Priority, highest first"),
        ("-priority_rank", "-updated_at", "-id"),
        "priority",
        with_priority_rank,
    ),
    Ordering("priority", _("Priority, lowest first"), ("priority_rank", "-updated_at", "-id"), "", with_priority_rank),
    Ordering(
        "resolution_due", _("Resolution due, soonest first"), (F("resolution_due").asc(nulls_last=True), "id"), "due"
    ),
    Ordering("-resolution_due", _("Resolution due, latest first"), (F("resolution_due").desc(nulls_last=True), "-id")),
    Ordering("id", _("Reference, oldest first"), ("id",)),
    Ordering("-id", _("Reference, newest first"), ("-id",)),
]
API_DEFAULT = "-updated_at"
INBOX_DEFAULT = "urgency"

BY_KEY: dict[str, Ordering] = {o.key: o for o in TICKET_ORDERINGS}
BY_INBOX: dict[str, Ordering] = {o.inbox: o for o in TICKET_ORDERINGS if o.inbox}


def inbox_choices() -> list[tuple[str, Promise]]:
    return [(o.inbox, o.label) for o in TICKET_ORDERINGS if o.inbox]


def order_tickets(qs: QuerySet[Ticket], ordering: Ordering) -> QuerySet[Ticket]:
    if ordering.annotate is not None:
        qs = ordering.annotate(qs)
    return qs.order_by(*ordering.by)
