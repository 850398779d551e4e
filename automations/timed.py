"""The hourly pass of time rules: each rule acts on a ticket at most once per qualifying state.

Every time condition becomes an indexed filter: "pending for N business hours" is
`status=pending AND status_changed_at <= now − N business hours` (ticket_status_since_idx), the
threshold computed per business calendar and OR-ed by queue; tickets the rule already acted on in
their current state are left out in the same query (NOT EXISTS on rule_run_once). So one query per
rule returns only the tickets that can act, and only those are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from automations import conditions as cond
from automations.engine import run_rules
from automations.models import Event, Rule, RuleRun
from tickets.business_hours import Schedule, add_business_minutes, schedule_for_department
from tickets.models import OPEN_STATUSES, Department, Queue, Status, Ticket

# Tickets per worker task of the hourly pass.
ACT_BATCH = 50


def _bound(condition: dict, *, now: dt.datetime, schedule) -> dt.datetime:
    """The moment the condition's column must be at or before: N business hours back (since…) or ahead (due…)."""
    hours = float(condition["value"])
    ahead = condition["field"] in ("first_response_due_within", "resolution_due_within")
    return add_business_minutes(now, (hours if ahead else -hours) * 60, schedule)


def _q_for(field: str, bound: dt.datetime) -> Q:
    if field == "hours_since_created":
        return Q(created_at__lte=bound)
    if field == "hours_since_updated":
        return Q(updated_at__lte=bound)
    if field == "hours_pending":
        return Q(status=Status.PENDING, status_changed_at__lte=bound)
    if field == "hours_solved":
        return Q(status=Status.SOLVED, status_changed_at__lte=bound)
    if field == "first_response_due_within":
        return Q(status__in=OPEN_STATUSES, first_response_at__isnull=True, first_response_due__lte=bound)
    if field == "resolution_due_within":
        return Q(status__in=OPEN_STATUSES, resolution_due__lte=bound)
    raise ValueError(field)


def _time_q(condition: dict, *, now: dt.datetime, schedule) -> Q:
    return _q_for(condition["field"], _bound(condition, now=now, schedule=schedule))


def _marker(ticket: Ticket) -> str:
    """One qualifying state: the status and when the ticket entered it."""
    since = ticket.status_changed_at or ticket.created_at
    return f"state:{ticket.status}:{since.isoformat()}"


def calendar_groups() -> list[tuple[list[int], Schedule | None]]:
    """Queue ids grouped by the business calendar their departments share (None: wall-clock time)."""
    queues: dict[int, list[int]] = {}
    for queue_id, department_id in Queue.objects.values_list("pk", "department_id"):
        queues.setdefault(department_id, []).append(queue_id)
    groups: dict[Schedule | None, list[int]] = {}
    for department_id in Department.objects.values_list("pk", flat=True):
        groups.setdefault(schedule_for_department(department_id), []).extend(queues.get(department_id, []))
    return [(ids, schedule) for schedule, ids in groups.items() if ids]


def qualifying(rule: dict, *, now: dt.datetime, groups) -> QuerySet[Ticket] | None:
    """The tickets a time rule may act on now: one query, each calendar's thresholds OR-ed on indexed columns,
    minus the tickets the rule already acted on in their current state (anti-join on rule_run_once).
    None for a rule without a time condition (it would act on every ticket)."""
    timed = [c for c in rule["conditions"] if c["field"] in cond.TIME_FIELDS]
    if not timed:
        return None
    if not groups:
        return Ticket.objects.none()
    bounds = [[_bound(c, now=now, schedule=schedule) for c in timed] for _ids, schedule in groups]
    # The loosest bound of each condition, outside the OR: the index range (e.g. status, status_changed_at)
    # then stops at it, and each calendar's own bound is checked on the rows in that range.
    query = Q()
    for i, c in enumerate(timed):
        query &= _q_for(c["field"], max(b[i] for b in bounds))
    per_calendar = Q()
    for (queue_ids, _schedule), group_bounds in zip(groups, bounds, strict=True):
        block = Q(queue_id__in=queue_ids)
        for c, bound in zip(timed, group_bounds, strict=True):
            block &= _q_for(c["field"], bound)
        per_calendar |= block
    query &= per_calendar
    acted = RuleRun.objects.filter(rule_id=rule["id"], ticket_id=OuterRef("pk"), created_at__gte=OuterRef("since"))
    return (
        Ticket.objects.annotate(since=Coalesce("status_changed_at", "created_at"))
        .filter(query)
        .filter(~Exists(acted))
        .order_by()
    )


def plan_time_rules(*, now: dt.datetime) -> Iterator[tuple[dict, list[int]]]:
    """What the hourly pass has to do: (rule, ticket ids) batches of at most ACT_BATCH, in rule order. Lazy:
    a rule's tickets are found when the caller gets to it, after the batches of the rules before it."""
    rules = list(Rule.objects.filter(active=True, event=Event.HOURLY).order_by("position", "id").values())
    if not rules:
        return
    groups = calendar_groups()
    for rule in rules:
        tickets = qualifying(rule, now=now, groups=groups)
        if tickets is None:
            continue
        ids = list(tickets.order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), ACT_BATCH):
            yield rule, ids[i : i + ACT_BATCH]


def act_on_tickets(*, rule: dict, ticket_ids: list[int], now: dt.datetime) -> int:
    """Run one time rule on these tickets (its non-time conditions decide), once per state: tickets it
    already acted on in their current state are skipped, so a batch run twice acts once."""
    other = [c for c in rule["conditions"] if c["field"] not in cond.TIME_FIELDS]
    done = set(RuleRun.objects.filter(rule_id=rule["id"], ticket_id__in=ticket_ids).values_list("ticket_id", "marker"))
    acted = 0
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).select_related("customer", "queue").order_by("pk"):
        marker = _marker(ticket)
        if (ticket.pk, marker) in done:
            continue
        acted += len(run_rules(rules=[{**rule, "conditions": other}], ticket=ticket, marker=marker, now=now))
    return acted


def run_time_rules(*, now: dt.datetime | None = None) -> int:
    """Run every active hourly rule on the tickets that qualify now, here; returns how many times rules acted."""
    now = now or timezone.now()
    return sum(act_on_tickets(rule=rule, ticket_ids=ids, now=now) for rule, ids in plan_time_rules(now=now))


def dispatch_time_rules(*, now: dt.datetime | None = None) -> int:
    """The beat job: find what qualifies (one query per rule) and hand each batch to a worker, so the pass
    takes as long as the finding, and the acting spreads over the workers. Returns the tickets handed out."""
    from automations.tasks import act_time_rule

    now = now or timezone.now()
    handed = 0
    for rule, ids in plan_time_rules(now=now):
        act_time_rule.delay(rule["id"], ids, now.isoformat())
        handed += len(ids)
    return handed


def act_time_rule(*, rule_id: int, ticket_ids: list[int], at: str) -> int:
    """A worker's batch: the rule as it is now (skipped if switched off since), on the tickets of the batch
    that still qualify at the pass's moment."""
    now = dt.datetime.fromisoformat(at)
    rule = Rule.objects.filter(pk=rule_id, active=True, event=Event.HOURLY).values().first()
    if rule is None:
        return 0
    tickets = qualifying(rule, now=now, groups=calendar_groups())
    if tickets is None:
        return 0
    still = list(tickets.filter(pk__in=ticket_ids).values_list("pk", flat=True))
    return act_on_tickets(rule=rule, ticket_ids=still, now=now)
