"""The ticket's event stream: every change to a ticket is a `TicketEvent`, written through `record()`.

Two kinds of subscribers, registered by later apps in their `hooks.py` (never imported from here):
- `subscribe_in_transaction(fn)`: called with the new event inside the change that caused it
  (automations run here, so their writes belong to the same change).
- `subscribe(fn)`: called with each event once the change has committed (webhooks, notices,
  reports, search). A subscriber that raises is logged and the others still run.

Events keep codes and raw values (`kind="status"`, `old_value="open"`, `new_value="solved"`);
labels are rendered in the viewer's language when shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from helpdesk.registration import register
from tickets.models import TicketEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tickets.models import Ticket

log = logging.getLogger(__name__)

Subscriber = Callable[[TicketEvent], None]
_in_transaction: list[Subscriber] = []
_after_commit: list[Subscriber] = []


def _register(registry: list[Subscriber], fn: Subscriber) -> Subscriber:
    register(registry, fn)
    return fn


def subscribe(fn: Subscriber) -> Subscriber:
    """Call `fn(event)` after the change that wrote the event commits. Usable as a decorator."""
    return _register(_after_commit, fn)


def subscribe_in_transaction(fn: Subscriber) -> Subscriber:
    """Call `fn(event)` inside the change that wrote the event (before commit)."""
    return _register(_in_transaction, fn)


def _publish(event: TicketEvent, subscribers: list[Subscriber] | None = None) -> None:
    for fn in list(_after_commit if subscribers is None else subscribers):
        try:
            fn(event)
        except Exception:  # one broken subscriber never hides the event from the others
            log.exception("event subscriber %r failed on event %s", fn, event.pk)


def record(
    *,
    ticket: Ticket,
    by: User | None,
    kind: str,
    old: object = "",
    new: object = "",
    data: dict | None = None,
    by_rule: int | None = None,
) -> TicketEvent:
    """Write one history row and announce it: in-transaction subscribers now, the rest after commit."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=by,
        kind=kind,
        old_value=str(old if old is not None else "")[:255],
        new_value=str(new if new is not None else "")[:255],
        data=data or {},
        by_rule=by_rule,
    )
    for fn in list(_in_transaction):
        fn(event)
    if _after_commit:
        transaction.on_commit(lambda event=event: _publish(event))
    return event


def record_many(events: list[TicketEvent]) -> list[TicketEvent]:
    """Bulk-write history rows (a bulk change, a batch job) and announce each: one INSERT for all.

    A subscriber that also offers `fn.many(events)` (see `batched`) is called once with all of them,
    in transaction or after commit as it subscribed; the others once per event, as with `record`.
    """
    created = TicketEvent.objects.bulk_create(events)
    if not created:
        return created
    for fn in list(_in_transaction):
        many = getattr(fn, "many", None)
        if many is not None:
            many(created)
        else:
            for event in created:
                fn(event)
    if _after_commit:
        singles = [fn for fn in _after_commit if getattr(fn, "many", None) is None]
        batched_fns = [fn for fn in _after_commit if getattr(fn, "many", None) is not None]
        for event in created:
            if singles:
                transaction.on_commit(lambda event=event: _publish(event, singles))
        for fn in batched_fns:
            transaction.on_commit(lambda fn=fn: _publish_many(fn, created))
    return created


def batched(many: Callable[[list[TicketEvent]], None]):
    """Decorate a subscriber with its batch form: `record_many` calls `many(events)` once instead."""

    def attach(fn: Subscriber) -> Subscriber:
        fn.many = many
        return fn

    return attach


def _publish_many(fn, events: list[TicketEvent]) -> None:
    try:
        fn.many(events)
    except Exception:
        log.exception("event subscriber %r failed on %s events", fn, len(events))
