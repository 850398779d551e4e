"""Changing many tickets at once, merging two tickets and splitting one. A bulk change leaves every ticket as
the single-ticket services would (same rules, guards and history), doing each step for all the tickets in a
few statements (_Batch); merging and splitting are built on the single services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.bulk import update_rows
from helpdesk.errors import DomainError
from tickets import access, hooks, services
from tickets.models import OPEN_STATUSES, EventKind, Message, MessageKind, Priority, Status, Ticket
from tickets.services_fields import set_field_values

# One request changes at most this many tickets; "select all matching" in the inbox stops here too.
BULK_MAX = 1000
# A chain of merges (A into B, B into C) is followed at most this far.
MERGE_CHAIN_MAX = 20

BULK_CHANGES = ("status", "priority", "assignee", "queue", "add_tags", "remove_tags", "fields")


@dataclass
class BulkResult:
    id: int
    ok: bool
    error: str = ""
    field: str = ""

    def as_dict(self) -> dict:
        data: dict = {"id": self.id, "ok": self.ok}
        if not self.ok:
            data["error"] = self.error
            if self.field:
                data["field"] = self.field
        return data


def apply_changes(*, ticket: Ticket, changes: dict, by: User) -> Ticket:
    """One ticket's share of a bulk change: queue, assignee, priority, tags, fields, then status last
    (as a PATCH does, so "set the required field and solve" works in one go). All or nothing per ticket."""
    with transaction.atomic():
        if changes.get("queue") is not None:
            ticket = services.move_to_queue(ticket=ticket, queue=changes["queue"], by=by)
        if "assignee" in changes:
            ticket = services.assign_ticket(ticket=ticket, assignee=changes["assignee"], by=by)
        if changes.get("priority"):
            ticket = services.set_priority(ticket=ticket, priority=changes["priority"], by=by)
        if changes.get("add_tags") or changes.get("remove_tags"):
            current = set(ticket.tags.values_list("name", flat=True))
            add = {t.strip().lower() for t in changes.get("add_tags") or []}
            remove = {t.strip().lower() for t in changes.get("remove_tags") or []}
            services.set_tags(ticket=ticket, names=sorted((current | add) - remove), by=by)
        if changes.get("fields"):
            ticket = set_field_values(ticket=ticket, values=changes["fields"], by=by)
        if changes.get("status"):
            ticket = services.change_status(ticket=ticket, status=changes["status"], by=by)
    return ticket


def bulk_change(*, by: User, ids: list[int], changes: dict) -> list[BulkResult]:
    """Apply the same changes to many tickets with the same result, ticket by ticket, as the single services;
    a ticket the caller may not see is reported "not found" and left alone; one refusal stops no other."""
    unknown = sorted(set(changes) - set(BULK_CHANGES))
    if unknown:
        raise DomainError(_("“%(name)s” cannot be changed in bulk.") % {"name": unknown[0]}, field=unknown[0])
    if not changes:
        raise DomainError(_("Choose at least one change."), field="changes")
    if len(ids) > BULK_MAX:
        raise DomainError(_("At most %(n)s tickets at a time.") % {"n": BULK_MAX}, field="ids")
    priority = changes.get("priority")
    if priority and priority not in Priority.values:
        raise DomainError(_("Unknown priority “%(p)s”.") % {"p": priority}, field="priority")
    ordered = list(dict.fromkeys(ids))
    visible = {t.pk: t for t in access.visible_tickets(by).filter(pk__in=ordered).select_related("queue")}
    done, refused, by_hand = _batched_change(by=by, ids=sorted(visible), changes=changes)
    results = {pk: _refusal(pk, exc) for pk, exc in refused.items()}
    for pk in by_hand:
        try:
            apply_changes(ticket=visible[pk], changes=changes, by=by)
        except DomainError as exc:
            results[pk] = _refusal(pk, exc)
        else:
            done.add(pk)
    for pk in ordered:
        if pk not in results:
            results[pk] = (
                BulkResult(id=pk, ok=True)
                if pk in done
                else BulkResult(id=pk, ok=False, error=_("Not found."), field="ids")
            )
    return [results[pk] for pk in ordered]


def _refusal(pk: int, exc: DomainError) -> BulkResult:
    return BulkResult(id=pk, ok=False, error=str(exc.message), field=exc.field or "")


# A refused ticket an earlier step of the batch already changed sends the batch back this many times at most.
BATCH_ATTEMPTS = 3


class _Unwind(Exception):
    """A later step refuses tickets an earlier step of the same batch already changed (or its rules did):
    the batch is undone, and those tickets go through the single services on their own."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ids)
        self.ids = ids


def _batched_change(*, by: User, ids: list[int], changes: dict) -> tuple[set[int], dict[int, DomainError], list[int]]:
    """The bulk change for all the tickets at once (see _Batch), in one transaction (a savepoint inside a
    caller's). Returns the ids done, those refused (with the single service's error) and those left to
    the single services: tickets refused after an earlier step changed them, which the batch cannot
    undo for one ticket alone — it is rolled back and run again without them."""
    by_hand: list[int] = []
    for _attempt in range(BATCH_ATTEMPTS):
        batch = _Batch(by=by, ids=[pk for pk in ids if pk not in by_hand], changes=changes)
        try:
            with transaction.atomic():
                batch.run()
        except _Unwind as unwind:
            by_hand += unwind.ids
            continue
        return set(batch.ids), batch.refused, by_hand
    return set(), {}, list(ids)


def _clean_tags(names) -> set[str]:
    return {n.strip().lower()[:50] for n in names or [] if n and n.strip()}


class _Batch:
    """One bulk change applied step by step to all its tickets, in apply_changes' order (queue, assignee,
    priority, tags, fields, status), each step as its single service does it per ticket: the same checks
    (a refused ticket is reported with the same error and left alone), the same new values, one history
    row per ticket and change, written in one INSERT and announced through tickets.events.record_many
    (rules run per event; subscribers with a batch form once), and the same hooks (surveys on solve).
    Each step locks and reads the tickets again: the rules of the step before may have changed them."""

    def __init__(self, *, by: User | None, ids: list[int], changes: dict, by_rule: int | None = None) -> None:
        self.by = by
        self.by_rule = by_rule
        self.ids = list(ids)
        self.changes = changes
        self.refused: dict[int, DomainError] = {}
        self.touched: set[int] = set()  # tickets a step of this batch wrote history on

    def run(self) -> None:
        changes = self.changes
        if changes.get("queue") is not None:
            self._queue(changes["queue"])
        if "assignee" in changes:
            self._assignee(changes["assignee"])
        if changes.get("priority"):
            self._priority(changes["priority"])
        add, remove = _clean_tags(changes.get("add_tags")), _clean_tags(changes.get("remove_tags"))
        if add or remove:
            self._tags(add, remove)
        if changes.get("fields"):
            self._fields(changes["fields"])
        if changes.get("status"):
            self._status(changes["status"])
        if changes.get("note"):
            self._note(changes["note"])

    # --- the steps' common parts

    def _lock(self) -> list[Ticket]:
        tickets = list(
            Ticket.objects.select_for_update(of=("self",))
            .select_related("queue__department")
            .defer("search_document")
            .filter(pk__in=self.ids)
            .order_by("pk")
        )
        self.ids = [t.pk for t in tickets]
        return tickets

    def _refuse(self, refusals: dict[int, DomainError]) -> None:
        undo = sorted(pk for pk in refusals if pk in self.touched)
        if undo:
            raise _Unwind(undo)
        self.refused.update(refusals)
        self.ids = [pk for pk in self.ids if pk not in refusals]

    def _event(self, ticket: Ticket, kind: str, old: object = "", new: object = "", data: dict | None = None):
        from tickets.models import TicketEvent

        # The row holds the ticket as this step left it, as the single service's row does: each step reads
        # the tickets afresh (_lock), so later steps change other instances.
        return TicketEvent(
            ticket=ticket,
            actor=self.by,
            kind=kind,
            old_value=str(old if old is not None else "")[:255],
            new_value=str(new if new is not None else "")[:255],
            data=data or {},
            by_rule=self.by_rule,
        )

    def _announce(self, rows: list) -> None:
        from tickets import events

        events.record_many(rows)
        self.touched.update(row.ticket_id for row in rows)

    # --- the steps

    def _queue(self, queue) -> None:
        """move_to_queue."""
        changed, rows = [], []
        for ticket in self._lock():
            if ticket.queue_id == queue.pk:
                continue
            old = ticket.queue.name
            ticket.queue = queue
            ticket.updated_at = timezone.now()
            changed.append(ticket)
            rows.append(self._event(ticket, EventKind.QUEUE, old, queue.name))
        update_rows(Ticket, changed, ["queue", "updated_at"])
        self._announce(rows)

    def _assignee(self, assignee: User | None) -> None:
        """assign_ticket."""
        new_id = assignee.pk if assignee else None
        tickets = [t for t in self._lock() if t.assignee_id != new_id]
        refusals = {}
        for ticket in tickets:
            if assignee is not None and not assignee.is_active:
                refusals[ticket.pk] = DomainError(
                    _("%(user)s is not an active user.") % {"user": assignee}, field="assignee"
                )
            elif not access.can_be_assigned(assignee, ticket):
                refusals[ticket.pk] = DomainError(
                    _("%(user)s is not on the staff of this ticket's department.") % {"user": assignee.get_username()},
                    field="assignee",
                )
        self._refuse(refusals)
        tickets = [t for t in tickets if t.pk not in refusals]
        old_ids = {t.assignee_id for t in tickets if t.assignee_id}
        names = dict(User.objects.filter(pk__in=old_ids).values_list("pk", User.USERNAME_FIELD)) if old_ids else {}
        rows = []
        for ticket in tickets:
            old = names.get(ticket.assignee_id, "")
            ticket.assignee = assignee
            ticket.updated_at = timezone.now()
            if assignee is not None and ticket.status == Status.NEW:
                ticket.status = Status.OPEN
                ticket.status_changed_at = ticket.updated_at
            rows.append(self._event(ticket, EventKind.ASSIGNEE, old, assignee.get_username() if assignee else ""))
        update_rows(Ticket, tickets, ["assignee", "updated_at", "status", "status_changed_at"])
        self._announce(rows)

    def _priority(self, priority: str) -> None:
        """set_priority: the new SLA targets in each ticket's department's business hours."""
        from tickets import business_hours
        from tickets.models import SlaPolicy

        policy = SlaPolicy.objects.filter(priority=priority).first()
        schedules: dict = {}
        changed, rows = [], []
        for ticket in self._lock():
            if ticket.priority == priority:
                continue
            department_id = ticket.queue.department_id
            if department_id not in schedules:
                schedules[department_id] = business_hours.schedule_for_department(department_id)
            old = ticket.priority
            ticket.priority = priority
            ticket.first_response_due, ticket.resolution_due = services.sla_targets(
                policy, ticket.created_at, schedules[department_id]
            )
            ticket.updated_at = timezone.now()
            changed.append(ticket)
            rows.append(self._event(ticket, EventKind.PRIORITY, old, priority))
        update_rows(Ticket, changed, ["priority", "first_response_due", "resolution_due", "updated_at"])
        self._announce(rows)

    def _tags(self, add: set[str], remove: set[str]) -> None:
        """set_tags with the ticket's tags, plus `add`, less `remove`."""
        from collections import defaultdict

        from tickets.models import Tag

        tickets = self._lock()
        through = Ticket.tags.through
        current: dict[int, set[str]] = defaultdict(set)
        for ticket_id, name in through.objects.filter(ticket_id__in=self.ids).values_list("ticket_id", "tag__name"):
            current[ticket_id].add(name)
        tags = {name: Tag.objects.get_or_create(name=name)[0] for name in sorted(add)}
        links, rows, changed = [], [], []
        for ticket in tickets:
            old = current[ticket.pk]
            new = (old | add) - remove
            if new == old:
                continue
            changed.append(ticket.pk)
            links += [through(ticket_id=ticket.pk, tag_id=tags[name].pk) for name in sorted(add - old)]
            rows.append(self._event(ticket, EventKind.TAGS, ", ".join(sorted(old)), ", ".join(sorted(new))))
        through.objects.bulk_create(links, ignore_conflicts=True, batch_size=BULK_MAX)
        if remove and changed:
            through.objects.filter(ticket_id__in=changed, tag__name__in=sorted(remove)).delete()
        self._announce(rows)

    def _fields(self, values: dict) -> None:
        """set_field_values: values checked against each ticket's queue's fields; one row per value changed."""
        from tickets.services_fields import apply_values, clean_values, raw_value

        tickets = self._lock()
        cleaned_by_queue: dict[int, dict | DomainError] = {}
        refusals = {}
        for ticket in tickets:
            if ticket.queue_id not in cleaned_by_queue:
                try:
                    cleaned_by_queue[ticket.queue_id] = clean_values(ticket=ticket, queue=None, values=values)
                except DomainError as exc:
                    cleaned_by_queue[ticket.queue_id] = exc
            if isinstance(cleaned_by_queue[ticket.queue_id], DomainError):
                refusals[ticket.pk] = cleaned_by_queue[ticket.queue_id]
        self._refuse(refusals)
        changed: list[Ticket] = []
        rounds: list[list] = []
        for ticket in tickets:
            if ticket.pk in refusals:
                continue
            current, diffs = apply_values(ticket.fields, cleaned_by_queue[ticket.queue_id])
            if not diffs:
                continue
            ticket.fields = current
            ticket.updated_at = timezone.now()
            changed.append(ticket)
            for turn, (key, old, new) in enumerate(diffs):
                if turn == len(rounds):
                    rounds.append([])
                data = {"key": key, "old": old, "new": new}
                rounds[turn].append(self._event(ticket, EventKind.FIELD, raw_value(old), raw_value(new), data))
        update_rows(Ticket, changed, ["fields", "updated_at"])
        # set_field_values records a ticket's values one by one, each row's rules running before the next
        # row: so the first value of every ticket, then the second…, for the same order in each history.
        for rows in rounds:
            self._announce(rows)

    def _status(self, status: str) -> None:
        """change_status: the transition and every guard checked for all the tickets (a guard with a batch
        form in one query), then the hooks per ticket solved, closed or reopened (surveys)."""
        tickets = [t for t in self._lock() if t.status != status]
        refusals = services.transition_refusals(tickets, status)
        self._refuse(refusals)
        tickets = [t for t in tickets if t.pk not in refusals]
        rows, olds = [], []
        for ticket in tickets:
            old = ticket.status
            now = timezone.now()
            ticket.status = status
            ticket.updated_at = now
            ticket.status_changed_at = now
            if status == Status.SOLVED:
                ticket.solved_at = now
            elif status == Status.CLOSED:
                ticket.closed_at = now
            elif old == Status.SOLVED:
                ticket.solved_at = None
            olds.append(old)
            rows.append(self._event(ticket, EventKind.STATUS, old, status))
        fields = ["status", "updated_at", "status_changed_at", "solved_at", "closed_at"]
        update_rows(Ticket, tickets, fields)
        self._announce(rows)
        if status == Status.SOLVED:
            hooks.send_each(hooks.ticket_solved, sender=Ticket, tickets=tickets, by=self.by)
        if status == Status.CLOSED:
            hooks.send_each(hooks.ticket_closed, sender=Ticket, tickets=tickets, by=self.by)
        if status in OPEN_STATUSES:
            reopened = [t for t, old in zip(tickets, olds, strict=True) if old == Status.SOLVED]
            hooks.send_each(
                hooks.ticket_reopened, sender=Ticket, tickets=reopened, by=self.by, from_status=Status.SOLVED
            )

    def _note(self, body: str) -> None:
        """add_message(internal=True): the same internal note on each ticket (a rule's note on many)."""
        from tickets.collab import notify_mentions

        body = (body or "").strip()
        if not body:
            self._refuse({pk: DomainError(_("The message is empty."), field="body") for pk in self.ids})
            return
        # Not _lock(): the note joins each ticket's search document.
        tickets = list(Ticket.objects.select_for_update(of=("self",)).filter(pk__in=self.ids).order_by("pk"))
        now = timezone.now()
        messages = [
            Message(ticket=t, kind=MessageKind.NOTE, author=self.by, body=body, created_at=now) for t in tickets
        ]
        Message.objects.bulk_create(messages)
        for ticket in tickets:
            ticket.updated_at = now
            ticket.search_document = (ticket.search_document + "\n" + body)[: services.SEARCH_DOCUMENT_MAX]
        update_rows(Ticket, tickets, ["updated_at", "search_document"])
        self._announce(
            [self._event(t, EventKind.NOTE, data={"message": m.pk}) for t, m in zip(tickets, messages, strict=True)]
        )
        for message in messages:
            notify_mentions(message=message, by=self.by)


# What a rule's actions may change in one go (automations.engine, on the events of a bulk change).
RULE_CHANGES = frozenset({"priority", "add_tags", "remove_tags", "note"})
# The ticket fields a rule's action refreshes on the instance the change holds (automations.actions.run_action).
REFRESHED = ("status", "priority", "queue_id", "assignee_id", "updated_at", "status_changed_at")


def change_by_rule(*, rule_id: int, tickets: list[Ticket], changes: dict) -> dict[int, DomainError] | None:
    """One rule action on many tickets at once, as set_priority, set_tags or add_message(internal) with
    `by_rule` would leave each: one statement per kind of write, history rows marked as the rule's. The
    given instances get the new values (like run_action). Returns the tickets refused, left unchanged, or
    None when the change must go ticket by ticket instead."""
    if not tickets or not set(changes) <= RULE_CHANGES:
        return None
    batch = _Batch(by=None, ids=sorted({t.pk for t in tickets}), changes=changes, by_rule=rule_id)
    try:
        with transaction.atomic():
            batch.run()
    except _Unwind:
        return None
    fresh = {row["id"]: row for row in Ticket.objects.filter(pk__in=batch.ids).values("id", *REFRESHED)}
    for ticket in tickets:
        for name in REFRESHED if ticket.pk in fresh else ():
            setattr(ticket, name, fresh[ticket.pk][name])
    return batch.refused


# --- merge ----------------------------------------------------------------------------------------


def final_ticket(ticket: Ticket) -> Ticket:
    """Where a merged ticket's thread lives now: follows merged_into to the end of the chain."""
    seen = {ticket.pk}
    for _step in range(MERGE_CHAIN_MAX):
        if not ticket.merged_into_id or ticket.merged_into_id in seen:
            return ticket
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.select_related("customer", "queue").get(pk=ticket.merged_into_id)
    return ticket


@transaction.atomic
def merge_tickets(*, ticket: Ticket, into: Ticket, by: User) -> Ticket:
    """Merge `ticket` into `into`: its messages (and their attachments) join `into`'s thread in time
    order, its tags and followers join too, and it closes pointing at `into`; both histories say so."""
    if ticket.pk == into.pk:
        raise DomainError(_("A ticket cannot be merged into itself."), field="into")
    # Lock both rows in id order: two agents merging the same pair the other way round cannot deadlock.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=sorted([ticket.pk, into.pk]))}
    ticket, into = locked[ticket.pk], locked[into.pk]
    if ticket.merged_into_id:
        raise DomainError(_("%(ref)s was already merged.") % {"ref": ticket.reference}, field="id")
    if into.merged_into_id or into.status == Status.CLOSED:
        raise DomainError(
            _("%(ref)s is closed; choose an open ticket to merge into.") % {"ref": into.reference}, field="into"
        )
    for guard in hooks.transition_guards:
        refusal = guard(ticket, Status.CLOSED)
        if refusal:
            raise DomainError(refusal, field="id")
    moved = list(Message.objects.filter(ticket=ticket).values_list("pk", "body"))
    Message.objects.filter(ticket=ticket).update(ticket=into)
    now = timezone.now()
    into.search_document = (into.search_document + "\n" + ticket.subject + "\n" + "\n".join(b for _p, b in moved))[
        : services.SEARCH_DOCUMENT_MAX
    ]
    into.updated_at = now
    into.save(update_fields=["search_document", "updated_at"])
    tags = set(into.tags.values_list("name", flat=True)) | set(ticket.tags.values_list("name", flat=True))
    services.set_tags(ticket=into, names=sorted(tags), by=by)
    into.followers.add(*ticket.followers.all())
    old_status = ticket.status
    ticket.status = Status.CLOSED
    ticket.closed_at = now
    ticket.updated_at = now
    ticket.merged_into = into
    ticket.save(update_fields=["status", "closed_at", "updated_at", "merged_into"])
    services.record_event(
        ticket=ticket, by=by, kind=EventKind.MERGED, new=into.reference, data={"into": into.pk, "messages": len(moved)}
    )
    services.record_event(ticket=ticket, by=by, kind=EventKind.STATUS, old=old_status, new=Status.CLOSED)
    services.record_event(
        ticket=into,
        by=by,
        kind=EventKind.MERGED,
        old=ticket.reference,
        data={"from": ticket.pk, "messages": len(moved)},
    )
    return into


# --- split ----------------------------------------------------------------------------------------


@transaction.atomic
def split_ticket(*, ticket: Ticket, message_ids: list[int], by: User, subject: str = "") -> Ticket:
    """Move the chosen messages into a new ticket for the same customer, linked both ways
    (the new ticket's split_from, and a history row on each); the original keeps at least one message."""
    ticket = Ticket.objects.select_for_update().select_related("queue", "customer").get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise DomainError(_("A closed ticket cannot be split."), field="messages")
    chosen = list(Message.objects.filter(ticket=ticket, pk__in=message_ids).order_by("created_at", "id"))
    if not chosen or len(chosen) != len(set(message_ids)):
        raise DomainError(_("Choose messages of this ticket to move."), field="messages")
    if len(chosen) >= ticket.messages.count():
        raise DomainError(_("Leave at least one message on the original ticket."), field="messages")
    now = timezone.now()
    first_customer = next((m for m in chosen if m.kind == MessageKind.CUSTOMER), chosen[0])
    subject = (subject or "").strip() or ticket.subject
    new = Ticket.objects.create(
        subject=subject[:300],
        priority=ticket.priority,
        queue=ticket.queue,
        customer=ticket.customer,
        channel=ticket.channel,
        language=ticket.language,
        created_at=first_customer.created_at,
        updated_at=now,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        split_from=ticket,
        status=Status.OPEN,
        search_document=(
            f"{subject}\n{ticket.customer.name} {ticket.customer.email}\n" + "\n".join(m.body for m in chosen)
        )[: services.SEARCH_DOCUMENT_MAX],
    )
    Message.objects.filter(pk__in=[m.pk for m in chosen]).update(ticket=new)
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    ids = [m.pk for m in chosen]
    services.record_event(ticket=new, by=by, kind=EventKind.CREATED, new="split", data={"split_from": ticket.pk})
    services.record_event(
        ticket=new, by=by, kind=EventKind.SPLIT, old=ticket.reference, data={"from": ticket.pk, "messages": ids}
    )
    services.record_event(
        ticket=ticket, by=by, kind=EventKind.SPLIT, new=new.reference, data={"into": new.pk, "messages": ids}
    )
    return new
