"""Keeps `TicketStats` current: one row per ticket, updated inside every change to the ticket.

Subscribed to `tickets.events` in transaction, so a report read right after a change counts it.
`rebuild()` recomputes rows from the tickets and their history (after a bulk load, or for the demo).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F
from django.utils import timezone

from helpdesk.bulk import update_rows
from insights.models import BacklogSnapshot, TicketStats
from tickets.models import OPEN_STATUSES, EventKind, Queue, Status, Ticket, TicketEvent

SOLVED_STATES = (Status.SOLVED, Status.CLOSED)
REBUILD_BATCH = 2000


def business_minutes(
    *, department_id: int | None, start: dt.datetime, end: dt.datetime, schedules: dict | None = None
) -> int:
    """Whole minutes between two instants within the department's business hours (every minute without a calendar).
    `schedules` memoises the departments' calendars over a batch."""
    try:
        from tickets import business_hours
    except ImportError:  # a build without calendars: every minute counts
        return max(0, int((end - start).total_seconds() // 60))
    if schedules is not None and department_id in schedules:
        schedule = schedules[department_id]
    else:
        schedule = business_hours.schedule_for_department(department_id)
        if schedules is not None:
            schedules[department_id] = schedule
    return int(business_hours.business_minutes_between(start, end, schedule) // 1)


def _department_of(queue_id: int | None, cache: dict | None = None) -> int | None:
    if queue_id is None:
        return None
    if cache is not None and queue_id in cache:
        return cache[queue_id]
    department_id = Queue.objects.filter(pk=queue_id).values_list("department_id", flat=True).first()
    if cache is not None:
        cache[queue_id] = department_id
    return department_id


def _fields_from(ticket: Ticket, department_id: int | None, schedules: dict | None = None) -> dict:
    solved_at = ticket.solved_at if ticket.status in SOLVED_STATES else None
    first = ticket.first_response_at
    return {
        "department_id": department_id,
        "queue_id": ticket.queue_id,
        "agent_id": ticket.assignee_id,
        "channel": ticket.channel,
        "created_at": ticket.created_at,
        "first_response_at": first,
        "first_response_due": ticket.first_response_due,
        "first_response_minutes": (
            business_minutes(department_id=department_id, start=ticket.created_at, end=first, schedules=schedules)
            if first
            else None
        ),
        "solved_at": solved_at,
        "resolution_due": ticket.resolution_due,
        "resolution_minutes": (
            business_minutes(department_id=department_id, start=ticket.created_at, end=solved_at, schedules=schedules)
            if solved_at
            else None
        ),
        "merged": bool(getattr(ticket, "merged_into_id", None)),
    }


# History rows that change nothing the reports count: no UPDATE for them.
UNCOUNTED_KINDS = frozenset({EventKind.TAGS, EventKind.NOTE, EventKind.FIELD})


def _counts_change(event: TicketEvent) -> bool:
    """Events that add to a counter (replies, reopenings) or create the row: handled one by one."""
    if event.kind in (EventKind.CREATED, EventKind.REPLY):
        return True
    return event.kind == EventKind.STATUS and event.old_value == Status.SOLVED and event.new_value in OPEN_STATUSES


def on_events(events: list[TicketEvent]) -> None:
    """The batch form (tickets.events.record_many, e.g. a bulk change): the tickets whose row exists get
    one bulk UPDATE from their current values; counter events and missing rows go through on_event."""
    latest: dict[int, TicketEvent] = {}
    for event in events:
        if event.kind in UNCOUNTED_KINDS:
            continue
        if _counts_change(event):
            on_event(event)
            latest.pop(event.ticket_id, None)
            continue
        latest[event.ticket_id] = event
    if not latest:
        return
    existing = set(TicketStats.objects.filter(pk__in=list(latest)).values_list("pk", flat=True))
    schedules: dict = {}
    rows = []
    names: list[str] = []
    for ticket_id, event in latest.items():
        if ticket_id not in existing:
            on_event(event)
            continue
        ticket = event.ticket
        department_id = ticket.queue.department_id if ticket.queue_id else None
        values = _fields_from(ticket, department_id, schedules)
        names = list(values)
        rows.append(TicketStats(ticket_id=ticket_id, **values))
    if rows:
        update_rows(TicketStats, rows, names)


def on_event(event: TicketEvent) -> None:
    """tickets.events in-transaction subscriber: one UPDATE (an INSERT for a new ticket) per event."""
    if event.kind in UNCOUNTED_KINDS:
        return
    ticket = event.ticket
    department_id = ticket.queue.department_id if ticket.queue_id else None
    fields = _fields_from(ticket, department_id)
    if event.kind == EventKind.REPLY:
        fields["replies"] = F("replies") + 1
    elif event.kind == EventKind.STATUS and event.old_value == Status.SOLVED and event.new_value in OPEN_STATUSES:
        fields["reopened"] = F("reopened") + 1
    if event.kind == EventKind.CREATED or not TicketStats.objects.filter(pk=ticket.pk).update(**fields):
        counts = _history_counts([ticket.pk]).get(ticket.pk, (0, 0))
        fields["replies"], fields["reopened"] = counts
        TicketStats.objects.update_or_create(ticket_id=ticket.pk, defaults=fields)


def _history_counts(ticket_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(public replies, reopenings) per ticket, from its history."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = TicketEvent.objects.filter(ticket_id__in=ticket_ids, kind__in=[EventKind.REPLY, EventKind.STATUS])
    for ticket_id, kind, old, new in rows.values_list("ticket_id", "kind", "old_value", "new_value"):
        if kind == EventKind.REPLY:
            counts[ticket_id][0] += 1
        elif old == Status.SOLVED and new in OPEN_STATUSES:
            counts[ticket_id][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def rebuild(ticket_ids: list[int] | None = None) -> int:
    """Recompute the rows of these tickets (all when None) from the tickets and their history."""
    qs = Ticket.objects.order_by("pk")
    if ticket_ids is not None:
        qs = qs.filter(pk__in=ticket_ids)
    departments: dict = {}
    done, last = 0, 0
    while True:
        batch = list(qs.filter(pk__gt=last)[:REBUILD_BATCH])
        if not batch:
            return done
        counts = _history_counts([t.pk for t in batch])
        rows = []
        for ticket in batch:
            fields = _fields_from(ticket, _department_of(ticket.queue_id, departments))
            fields["replies"], fields["reopened"] = counts.get(ticket.pk, (0, 0))
            rows.append(TicketStats(ticket_id=ticket.pk, **fields))
        TicketStats.objects.filter(pk__in=[t.pk for t in batch]).delete()
        TicketStats.objects.bulk_create(rows)
        done += len(batch)
        last = batch[-1].pk


# --- backlog --------------------------------------------------------------------------------------


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def snapshot_backlog(*, at: dt.datetime | None = None) -> int:
    """Record each queue's open and pending tickets now, as the snapshot of the current hour (idempotent)."""
    taken_at = _hour(at or timezone.now())
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    grouped = Ticket.objects.filter(status__in=list(OPEN_STATUSES)).values("queue_id", "status").annotate(n=Count("pk"))
    for row in grouped.order_by():
        counts[row["queue_id"]][1 if row["status"] == Status.PENDING else 0] += row["n"]
    departments = dict(Queue.objects.values_list("id", "department_id"))
    for queue_id, department_id in departments.items():
        open_, pending = counts.get(queue_id, (0, 0))
        BacklogSnapshot.objects.update_or_create(
            taken_at=taken_at,
            queue_id=queue_id,
            defaults={"department_id": department_id, "open": open_, "pending": pending},
        )
    return len(departments)


def rebuild_backlog(*, since: dt.datetime, until: dt.datetime | None = None) -> int:
    """Hourly snapshots from `since` to `until`, replayed from the tickets' status history (demo, bulk loads).

    Each stretch of a ticket in an open or pending state adds one from the first hour at or after its
    start to the last hour before its end (a difference array: linear in events plus hours).
    """
    until = until or timezone.now()
    first = _hour(since)
    n_hours = int((_hour(until) - first).total_seconds() // 3600) + 1
    departments = dict(Queue.objects.values_list("id", "department_id"))
    diffs = {(q, k): [0] * (n_hours + 1) for q in departments for k in (0, 1)}

    def index(moment: dt.datetime) -> int:  # the first snapshot hour at or after `moment`
        seconds = (moment - first).total_seconds()
        return min(n_hours, max(0, -int(-seconds // 3600)))

    def add(queue_id: int, status: str, start: dt.datetime, end: dt.datetime | None) -> None:
        if status not in OPEN_STATUSES or queue_id not in departments:
            return
        diff = diffs[(queue_id, 1 if status == Status.PENDING else 0)]
        diff[index(start)] += 1
        diff[index(end) if end is not None else n_hours] -= 1

    state: dict[int, tuple[int, str, dt.datetime]] = {}
    for pk, queue_id, created in Ticket.objects.filter(created_at__lt=until).values_list(
        "pk", "queue_id", "created_at"
    ):
        state[pk] = (queue_id, Status.NEW, created)
    events = TicketEvent.objects.filter(kind=EventKind.STATUS, created_at__lt=until).order_by("created_at", "id")
    for ticket_id, at, new in events.values_list("ticket_id", "created_at", "new_value").iterator():
        if ticket_id in state:
            queue_id, status, since_at = state[ticket_id]
            add(queue_id, status, since_at, at)
            state[ticket_id] = (queue_id, new, at)
    for queue_id, status, since_at in state.values():
        add(queue_id, status, since_at, None)
    rows = []
    for queue_id, department_id in departments.items():
        running = [0, 0]
        for i in range(n_hours):
            running[0] += diffs[(queue_id, 0)][i]
            running[1] += diffs[(queue_id, 1)][i]
            rows.append(
                BacklogSnapshot(
                    taken_at=first + dt.timedelta(hours=i),
                    queue_id=queue_id,
                    department_id=department_id,
                    open=running[0],
                    pending=running[1],
                )
            )
    BacklogSnapshot.objects.filter(taken_at__gte=first, taken_at__lte=_hour(until)).delete()
    BacklogSnapshot.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


on_event.many = on_events
