"""Runs the active rules on each ticket event, inside the change that caused it.

- Rules run in `position` order, each once per event; their writes go through tickets.services with
  `by_rule=rule.id`, so history shows them as made by the rule.
- No chains: events written while rules run (by a rule, or a service a rule called) fire no rules.
- Each action runs in a savepoint: one that cannot apply is recorded in the RuleRun's `errors` and
  the others still run. A rule never refuses the ticket change.
- Active rules are cached (`RULES_CACHE_KEY`, cleared by automations.services on every write).
"""

from __future__ import annotations

import contextvars
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from automations import conditions as cond
from automations.actions import ActionError, run_action
from automations.models import Event, Rule, RuleRun
from tickets.models import EventKind, TicketEvent

log = logging.getLogger(__name__)

RULES_CACHE_KEY = "automations:active-rules:v1"
RULES_CACHE_SECONDS = 300
_running = contextvars.ContextVar("automations_running", default=False)

UPDATE_KINDS = {
    EventKind.STATUS,
    EventKind.ASSIGNEE,
    EventKind.PRIORITY,
    EventKind.QUEUE,
    EventKind.TAGS,
    EventKind.REPLY,
    EventKind.NOTE,
    EventKind.FIELD,  # a custom field set by hand or in bulk: rules on `field.<key>` see it
}


def event_of(ticket_event: TicketEvent) -> str | None:
    if ticket_event.kind == EventKind.CREATED:
        return Event.TICKET_CREATED
    if ticket_event.kind == EventKind.CUSTOMER_MESSAGE:
        return Event.CUSTOMER_REPLIED
    if ticket_event.kind in UPDATE_KINDS:
        return Event.TICKET_UPDATED
    return None


def active_rules() -> list[dict]:
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = list(
            Rule.objects.filter(active=True)
            .order_by("position", "id")
            .values("id", "name", "event", "conditions", "actions")
        )
        cache.set(RULES_CACHE_KEY, rules, RULES_CACHE_SECONDS)
    return rules


def forget_rules() -> None:
    cache.delete(RULES_CACHE_KEY)


def on_event(ticket_event: TicketEvent) -> None:
    """The in-transaction subscriber: run the rules of this event's kind."""
    if _running.get() or ticket_event.by_rule is not None:
        return
    event = event_of(ticket_event)
    if event is None:
        return
    rules = [r for r in active_rules() if r["event"] == event]
    if not rules:
        return
    run_rules(rules=rules, ticket=ticket_event.ticket, marker=f"event:{ticket_event.pk}", ticket_event=ticket_event)


def run_rules(
    *, rules: list[dict], ticket, marker: str, ticket_event: TicketEvent | None = None, now=None
) -> list[int]:
    """Evaluate and run `rules` on `ticket`; returns the ids of the rules that acted. `now`: the moment the
    run is recorded at (the hourly pass's clock, which its "already acted in this state" check compares)."""
    token = _running.set(True)
    fired = []
    try:
        facts = cond.Facts(ticket, ticket_event)
        for rule in rules:
            try:
                if not all(cond.holds(c, facts) for c in rule["conditions"]):
                    continue
            except Exception:
                log.exception("rule %s: condition failed", rule["id"])
                continue
            # The cached list may be a moment old: a rule deleted or switched off since does not act
            # (one query, only for a rule whose conditions hold).
            if not Rule.objects.filter(pk=rule["id"], active=True).exists():
                continue
            errors = []
            for action in rule["actions"]:
                try:
                    with transaction.atomic():
                        run_action(action, ticket=ticket, rule=rule)
                except ActionError as exc:
                    errors.append({"type": action.get("type"), "error": str(exc)})
                except Exception as exc:  # a rule never refuses the change
                    log.exception("rule %s: action %s failed", rule["id"], action.get("type"))
                    errors.append({"type": action.get("type"), "error": str(exc) or exc.__class__.__name__})
                facts.forget()
            RuleRun.objects.get_or_create(
                rule_id=rule["id"],
                ticket_id=ticket.pk,
                marker=marker[:100],
                defaults={"errors": errors, "created_at": now or timezone.now()},
            )
            fired.append(rule["id"])
    finally:
        _running.reset(token)
    return fired
