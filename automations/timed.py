"""The hourly pass of time rules: each rule acts on a ticket at most once per qualifying state.

Every time condition becomes an indexed filter: "pending for N business hours" is
`status=pending AND status_changed_at <= now − N business hours` (ticket_status_since_idx), computed
per department because each has its own calendar. Only the tickets those filters return are read.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from automations import conditions as cond
from automations.engine import run_rules
from automations.models import Event, Rule, RuleRun
from tickets.business_hours import add_business_minutes, schedule_for_department
from tickets.models import OPEN_STATUSES, Department, Status, Ticket

BATCH = 500


def _time_q(condition: dict, *, now: dt.datetime, schedule) -> Q:
    field, hours = condition["field"], float(condition["value"])
    before = add_business_minutes(now, -hours * 60, schedule)
    after = add_business_minutes(now, hours * 60, schedule)
    if field == "hours_since_created":
        return Q(created_at__lte=before)
    if field == "hours_since_updated":
        return Q(updated_at__lte=before)
    if field == "hours_pending":
        return Q(status=Status.PENDING, status_changed_at__lte=before)
    if field == "hours_solved":
        return Q(status=Status.SOLVED, status_changed_at__lte=before)
    if field == "first_response_due_within":
        return Q(status__in=OPEN_STATUSES, first_response_at__isnull=True, first_response_due__lte=after)
    if field == "resolution_due_within":
        return Q(status__in=OPEN_STATUSES, resolution_due__lte=after)
    raise ValueError(field)


def _marker(ticket: Ticket) -> str:
    """One qualifying state: the status and when the ticket entered it."""
    since = ticket.status_changed_at or ticket.created_at
    return f"state:{ticket.status}:{since.isoformat()}"


def run_time_rules(*, now: dt.datetime | None = None) -> int:
    """Run every active hourly rule on the tickets that qualify now; returns how many times rules acted."""
    now = now or timezone.now()
    rules = list(Rule.objects.filter(active=True, event=Event.HOURLY).order_by("position", "id").values())
    acted = 0
    for department_id in Department.objects.values_list("pk", flat=True):
        schedule = schedule_for_department(department_id)
        for rule in rules:
            timed = [c for c in rule["conditions"] if c["field"] in cond.TIME_FIELDS]
            other = [c for c in rule["conditions"] if c["field"] not in cond.TIME_FIELDS]
            query = Q(queue__department_id=department_id)
            for c in timed:
                query &= _time_q(c, now=now, schedule=schedule)
            if not timed:  # a time rule without a time condition would act on every ticket
                continue
            tickets = Ticket.objects.filter(query).select_related("customer", "queue").order_by("pk")
            done = set(
                RuleRun.objects.filter(rule_id=rule["id"], ticket__in=tickets).values_list("ticket_id", "marker")
            )
            for ticket in tickets.iterator(chunk_size=BATCH):
                marker = _marker(ticket)
                if (ticket.pk, marker) in done:
                    continue
                acted += len(run_rules(rules=[{**rule, "conditions": other}], ticket=ticket, marker=marker))
    return acted
