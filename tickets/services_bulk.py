"""Changing many tickets at once, merging two tickets and splitting one: each built on the single-ticket
services, so every ticket goes through the same rules, guards and history as a change made by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from tickets import access, hooks, services
from tickets.models import EventKind, Message, MessageKind, Status, Ticket
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
    """Apply the same changes to many tickets, each in its own transaction through the single services;
    a ticket the caller may not see is reported "not found" and left alone; one failure stops no other."""
    unknown = sorted(set(changes) - set(BULK_CHANGES))
    if unknown:
        raise DomainError(_("“%(name)s” cannot be changed in bulk.") % {"name": unknown[0]}, field=unknown[0])
    if not changes:
        raise DomainError(_("Choose at least one change."), field="changes")
    if len(ids) > BULK_MAX:
        raise DomainError(_("At most %(n)s tickets at a time.") % {"n": BULK_MAX}, field="ids")
    ordered = list(dict.fromkeys(ids))
    visible = {t.pk: t for t in access.visible_tickets(by).filter(pk__in=ordered).select_related("queue")}
    if set(changes) <= BATCHED_CHANGES:
        done = _batched_change(by=by, ids=sorted(visible), changes=changes)
        return [
            BulkResult(id=pk, ok=True)
            if pk in done
            else BulkResult(id=pk, ok=False, error=_("Not found."), field="ids")
            for pk in ordered
        ]
    results = []
    for pk in ordered:
        ticket = visible.get(pk)
        if ticket is None:
            results.append(BulkResult(id=pk, ok=False, error=_("Not found."), field="ids"))
            continue
        try:
            apply_changes(ticket=ticket, changes=changes, by=by)
        except DomainError as exc:
            results.append(BulkResult(id=pk, ok=False, error=str(exc.message), field=exc.field or ""))
        else:
            results.append(BulkResult(id=pk, ok=True))
    return results


# Changes that no transition guard can refuse, applied to all the tickets at once (see _batched_change).
BATCHED_CHANGES = frozenset({"priority", "add_tags", "remove_tags"})


def _clean_tags(names) -> set[str]:
    return {n.strip().lower()[:50] for n in names or [] if n and n.strip()}


@transaction.atomic
def _batched_change(*, by, ids: list[int], changes: dict) -> set[int]:
    """Priority and tags for many tickets in a few statements, with what the single services do per
    ticket: the same new values and SLA targets, one history row per ticket and change (written in one
    INSERT), and the same rules and subscribers (tickets.events.record_many announces each row).
    Nothing here can be refused per ticket, so one transaction holds them all. Returns the ids done."""
    from collections import defaultdict

    from helpdesk.bulk import update_rows
    from tickets import business_hours, events
    from tickets.models import Priority, SlaPolicy, Tag, TicketEvent

    priority = changes.get("priority")
    if priority and priority not in Priority.values:
        raise DomainError(_("Unknown priority “%(p)s”.") % {"p": priority}, field="priority")
    locked = list(
        Ticket.objects.select_for_update(of=("self",)).select_related("queue").filter(pk__in=ids).order_by("pk")
    )
    now = timezone.now()
    if priority:
        policy = SlaPolicy.objects.filter(priority=priority).first()
        schedules: dict = {}
        changed, rows = [], []
        for ticket in locked:
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
            ticket.updated_at = now
            changed.append(ticket)
            rows.append(
                TicketEvent(ticket=ticket, actor=by, kind=EventKind.PRIORITY, old_value=old, new_value=priority)
            )
        update_rows(Ticket, changed, ["priority", "first_response_due", "resolution_due", "updated_at"])
        events.record_many(rows)
    add, remove = _clean_tags(changes.get("add_tags")), _clean_tags(changes.get("remove_tags"))
    if add or remove:
        # Read after the priority rows: a rule may have tagged a ticket meanwhile.
        through = Ticket.tags.through
        current: dict[int, set[str]] = defaultdict(set)
        for ticket_id, name in through.objects.filter(ticket_id__in=ids).values_list("ticket_id", "tag__name"):
            current[ticket_id].add(name)
        tags = {name: Tag.objects.get_or_create(name=name)[0] for name in sorted(add)}
        links, rows = [], []
        for ticket in locked:
            old = current[ticket.pk]
            new = (old | add) - remove
            if new == old:
                continue
            links += [through(ticket_id=ticket.pk, tag_id=tags[name].pk) for name in sorted(add - old)]
            rows.append(
                TicketEvent(
                    ticket=ticket,
                    actor=by,
                    kind=EventKind.TAGS,
                    old_value=", ".join(sorted(old))[:255],
                    new_value=", ".join(sorted(new))[:255],
                )
            )
        through.objects.bulk_create(links, ignore_conflicts=True, batch_size=BULK_MAX)
        if remove:
            through.objects.filter(ticket_id__in=ids, tag__name__in=sorted(remove)).delete()
        events.record_many(rows)
    return {t.pk for t in locked}


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
