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
from automations.actions import ActionError, _names, run_action
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


def on_events(ticket_events: list[TicketEvent]) -> None:
    """The batch form (tickets.events.record_many: a bulk change's events): what on_event does for each event,
    with each rule's tag, priority and note actions applied to all the tickets it holds for at once
    (tickets.services_bulk.change_by_rule) and the others ticket by ticket. A ticket's events are taken in
    rounds (its first event, then its second…), rules in position order within a round, so each ticket sees
    the same sequence as with one event at a time."""
    if _running.get():
        return
    rules = active_rules()
    rounds: list[list[tuple[TicketEvent, str]]] = []
    seen: dict[int, int] = {}
    for ticket_event in ticket_events:
        event = event_of(ticket_event) if ticket_event.by_rule is None else None
        if event is None or not any(r["event"] == event for r in rules):
            continue
        turn = seen.get(ticket_event.ticket_id, 0)
        seen[ticket_event.ticket_id] = turn + 1
        if turn == len(rounds):
            rounds.append([])
        rounds[turn].append((ticket_event, event))
    for batch in rounds:
        _run_round(batch, rules)


def _run_round(items: list[tuple[TicketEvent, str]], rules: list[dict]) -> None:
    token = _running.set(True)
    try:
        facts = {te.pk: cond.Facts(te.ticket, te) for te, _event in items}
        for rule in rules:  # in position order
            holding = [te for te, event in items if rule["event"] == event and _holds(rule, facts[te.pk])]
            if not holding or not Rule.objects.filter(pk=rule["id"], active=True).exists():
                continue
            errors: dict[int, list] = {te.pk: [] for te in holding}
            for action in rule["actions"]:
                _act_on_all(action, holding, rule, errors)
                for te in holding:
                    facts[te.pk].forget()
            for te in holding:  # a row each (saved one by one: audit hears RuleRun saves); the events are new
                RuleRun.objects.create(
                    rule_id=rule["id"],
                    ticket_id=te.ticket_id,
                    marker=f"event:{te.pk}"[:100],
                    errors=errors[te.pk],
                    created_at=timezone.now(),
                )
    finally:
        _running.reset(token)


def _holds(rule: dict, facts: cond.Facts) -> bool:
    try:
        return all(cond.holds(c, facts) for c in rule["conditions"])
    except Exception:
        log.exception("rule %s: condition failed", rule["id"])
        return False


# Actions that tickets.services_bulk.change_by_rule applies to many tickets at once, as the changes it takes.
BATCHED_ACTIONS = {
    "add_tags": lambda value: {"add_tags": _names(value)},
    "remove_tags": lambda value: {"remove_tags": _names(value)},
    "set_priority": lambda value: {"priority": value},
    "add_note": lambda value: {"note": str(value)},
}


def _act_on_all(action: dict, holding: list[TicketEvent], rule: dict, errors: dict[int, list]) -> None:
    from tickets.services_bulk import change_by_rule

    kind = action.get("type")
    if kind in BATCHED_ACTIONS:
        try:
            with transaction.atomic():
                refused = change_by_rule(
                    rule_id=rule["id"],
                    tickets=[te.ticket for te in holding],
                    changes=BATCHED_ACTIONS[kind](action.get("value")),
                )
        except Exception:  # one ticket's trouble: find it ticket by ticket below
            log.exception("rule %s: action %s failed in bulk", rule["id"], kind)
            refused = None
        if refused is not None:
            for te in holding:
                if te.ticket_id in refused:
                    errors[te.pk].append({"type": kind, "error": str(refused[te.ticket_id])})
            return
    for te in holding:
        try:
            with transaction.atomic():
                run_action(action, ticket=te.ticket, rule=rule)
        except ActionError as exc:
            errors[te.pk].append({"type": kind, "error": str(exc)})
        except Exception as exc:  # a rule never refuses the change
            log.exception("rule %s: action %s failed", rule["id"], kind)
            errors[te.pk].append({"type": kind, "error": str(exc) or exc.__class__.__name__})


on_event.many = on_events


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
