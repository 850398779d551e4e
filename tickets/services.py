"""Every write to a ticket goes through one function here: atomic, validated, recorded in history.

Side effects for later apps are announced through `tickets.hooks` and run after commit.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, DomainError
from tickets import access, business_hours, events, hooks
from tickets.html import html_to_text, sanitize_html
from tickets.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Attachment,
    Channel,
    Customer,
    EventKind,
    Macro,
    Message,
    MessageKind,
    Priority,
    Queue,
    SlaPolicy,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)

SEARCH_DOCUMENT_MAX = 100_000


@dataclass(frozen=True)
class TicketOrigin:
    """Where an internal request comes from: the customer's ticket, the colleague who asked, and
    whether the waiting customer is blocked on it (then it is served first)."""

    parent: Ticket
    requested_by: User
    blocks_customer: bool = False


class UnseenMessages(Conflict):
    """A public reply written without having seen the newest customer message (or a colleague's reply)."""


def unseen_messages(*, ticket: Ticket, seen: int, by: User) -> QuerySet[Message]:
    """What the writer has not seen: customer messages and other agents' public replies after message `seen`."""
    from django.db.models import Q

    return (
        Message.objects.filter(ticket_id=ticket.pk, pk__gt=seen)
        .filter(Q(kind=MessageKind.CUSTOMER) | (Q(kind=MessageKind.REPLY) & ~Q(author=by)))
        .order_by("created_at", "id")
    )


def record_event(
    *,
    ticket: Ticket,
    by: User,
    kind: str,
    old: str = "",
    new: str = "",
    data: dict | None = None,
    by_rule: int | None = None,
) -> TicketEvent:
    return events.record(ticket=ticket, by=by, kind=kind, old=old, new=new, data=data, by_rule=by_rule)


def _sla_due(priority: str, start: dt.datetime, queue: Queue) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The SLA targets from `start`, counted in business minutes of the queue's department."""
    policy = SlaPolicy.objects.filter(priority=priority).first()
    if policy is None:
        return None, None
    return sla_targets(policy, start, business_hours.schedule_for_department(queue.department_id))


def sla_targets(
    policy: SlaPolicy | None, start: dt.datetime, schedule: business_hours.Schedule | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First-response and resolution due times of a policy from `start` in a department's schedule."""
    if policy is None:
        return None, None
    return (
        business_hours.add_business_minutes(start, policy.first_response_minutes, schedule),
        business_hours.add_business_minutes(start, policy.resolution_minutes, schedule),
    )


def _append_search(ticket: Ticket, text: str) -> None:
    ticket.search_document = (ticket.search_document + "\n" + text)[:SEARCH_DOCUMENT_MAX]


def get_or_create_customer(*, email: str, name: str = "", language: str = "") -> Customer:
    email = email.strip().lower()
    if not email:
        raise DomainError(_("A customer e-mail address is required."), field="customer_email")
    customer, created = Customer.objects.get_or_create(
        email=email, defaults={"name": name.strip()[:200], "language": language or "en"}
    )
    if not created and name and not customer.name:
        customer.name = name.strip()[:200]
        customer.save(update_fields=["name"])
    return customer


def _clean_language(language: str | None, fallback: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else fallback


@transaction.atomic
def create_ticket(
    *,
    subject: str,
    body: str,
    customer_email: str,
    customer_name: str = "",
    queue: Queue | None = None,
    priority: str = Priority.NORMAL,
    language: str | None = None,
    channel: str = Channel.WEB,
    by: User | None = None,
    body_html: str = "",
    email_message_id: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
    tags: list[str] | None = None,
    fields: dict | None = None,
    origin: TicketOrigin | None = None,
) -> Ticket:
    """A customer (or an agent on their behalf) opens a ticket; its first message is the customer's.

    With an `origin` it is an internal request on `origin.parent`: both tickets' histories say so."""
    subject = (subject or "").strip()
    if not subject:
        raise DomainError(_("A subject is required."), field="subject")
    if not (body or "").strip() and not body_html:
        raise DomainError(_("The message is empty."), field="body")
    if priority not in Priority.values:
        raise DomainError(_("Unknown priority “%(p)s”.") % {"p": priority}, field="priority")
    if queue is None:
        queue = Queue.objects.filter(is_public=True).order_by("id").first() or Queue.objects.order_by("id").first()
        if queue is None:
            raise DomainError(_("No queue exists to receive the ticket."), field="queue")
    values = {}
    if fields:
        from tickets.services_fields import clean_values

        values = {k: v for k, v in clean_values(ticket=None, queue=queue, values=fields).items() if v is not None}
    customer = get_or_create_customer(email=customer_email, name=customer_name, language=language or "")
    language = _clean_language(language, customer.language)
    now = timezone.now()
    first_due, resolution_due = _sla_due(priority, now, queue)
    ticket = Ticket.objects.create(
        subject=subject[:300],
        priority=priority,
        queue=queue,
        customer=customer,
        channel=channel,
        language=language,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        first_response_due=first_due,
        resolution_due=resolution_due,
        search_document=f"{subject}\n{customer.name} {customer.email}\n{body}"[:SEARCH_DOCUMENT_MAX],
        fields=values,
        parent=origin.parent if origin else None,
        requested_by=origin.requested_by if origin else None,
        blocks_customer=origin.blocks_customer if origin else False,
    )
    if tags:
        set_tags(ticket=ticket, names=tags, by=by, record=False)
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        author=None,
        body=body or html_to_text(body_html),
        body_html=sanitize_html(body_html) if body_html else "",
        channel=channel,
        created_at=now,
        email_message_id=email_message_id,
    )
    for filename, content, content_type in attachments or []:
        add_attachment(message=message, filename=filename, content=content, content_type=content_type)
    record_event(
        ticket=ticket,
        by=by,
        kind=EventKind.CREATED,
        new=ticket.channel,
        data={"parent": origin.parent.pk, "blocks_customer": origin.blocks_customer} if origin else None,
    )
    if origin is not None:
        record_event(
            ticket=origin.parent,
            by=by,
            kind=EventKind.INTERNAL_REQUEST,
            new=ticket.reference,
            data={"request": ticket.pk, "department": queue.department_id, "blocks_customer": origin.blocks_customer},
        )
    hooks.ticket_created.send(sender=Ticket, ticket=ticket, by=by)
    hooks.customer_message_created.send(sender=Ticket, message=message)
    return ticket


_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """A name safe on any file system: no path, no control characters, a bounded length."""
    base = os.path.basename((name or "").replace("\\", "/")).strip().strip(".")
    base = _SAFE_NAME.sub("_", base)[:150] or "attachment"
    return base


def add_attachment(*, message: Message, filename: str, content: bytes, content_type: str = "") -> Attachment:
    if not content:
        raise DomainError(_("The attachment “%(name)s” is empty.") % {"name": filename}, field="attachments")
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("The attachment “%(name)s” is larger than the limit of %(mb)s MB.")
            % {"name": filename, "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field="attachments",
        )
    clean = safe_filename(filename)
    attachment = Attachment(
        message=message,
        filename=clean,
        size=len(content),
        content_type=(content_type or "application/octet-stream")[:100],
    )
    # The stored name is random: the shown name is kept apart and never used as a path.
    attachment.file.save(f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False)
    attachment.save()
    return attachment


def _transition_error(ticket: Ticket, new_status: str) -> DomainError | None:
    if new_status not in Status.values:
        return DomainError(_("Unknown status “%(s)s”.") % {"s": new_status}, field="status")
    if new_status not in TRANSITIONS[ticket.status]:
        return DomainError(
            _("A ticket that is %(old)s cannot become %(new)s.")
            % {"old": ticket.get_status_display().lower(), "new": Status(new_status).label.lower()},
            field="status",
        )
    return None


def _check_transition(ticket: Ticket, new_status: str) -> None:
    refused = _transition_error(ticket, new_status)
    if refused is not None:
        raise refused
    for guard in hooks.transition_guards:
        refusal = guard(ticket, new_status)
        if refusal:
            raise DomainError(refusal, field="status")


def transition_refusals(tickets: list[Ticket], new_status: str) -> dict[int, DomainError]:
    """What change_status would refuse of each ticket moving to `new_status` (a bulk change): the same
    checks in the same order, the first refusal per ticket; a guard with a batch form (`guard.many`,
    see tickets.hooks.transition_guards) is asked once for all the tickets still allowed."""
    refused: dict[int, DomainError] = {}
    for ticket in tickets:
        error = _transition_error(ticket, new_status)
        if error is not None:
            refused[ticket.pk] = error
    for guard in hooks.transition_guards:
        allowed = [t for t in tickets if t.pk not in refused]
        if not allowed:
            break
        many = getattr(guard, "many", None)
        if many is not None:
            for pk, refusal in many(allowed, new_status).items():
                refused[pk] = DomainError(refusal, field="status")
            continue
        for ticket in allowed:
            try:
                refusal = guard(ticket, new_status)
            except DomainError as exc:  # a guard may name its own field (a required custom field)
                refused[ticket.pk] = exc
            else:
                if refusal:
                    refused[ticket.pk] = DomainError(refusal, field="status")
    return refused


@transaction.atomic
def change_status(*, ticket: Ticket, status: str, by: User, by_rule: int | None = None) -> Ticket:
    """Move a ticket through new → open → pending → solved → closed; reopening a solved ticket is allowed."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == status:
        return ticket
    _check_transition(ticket, status)
    old = ticket.status
    now = timezone.now()
    ticket.status = status
    ticket.updated_at = now
    ticket.status_changed_at = now
    fields = ["status", "updated_at", "status_changed_at"]
    if status == Status.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif old == Status.SOLVED:
        ticket.solved_at = None
        fields.append("solved_at")
    ticket.save(update_fields=fields)
    record_event(ticket=ticket, by=by, kind=EventKind.STATUS, old=old, new=status, by_rule=by_rule)
    if status == Status.SOLVED:
        hooks.ticket_solved.send(sender=Ticket, ticket=ticket, by=by)
    if status == Status.CLOSED:
        hooks.ticket_closed.send(sender=Ticket, ticket=ticket, by=by)
    if old in (Status.SOLVED,) and status in OPEN_STATUSES:
        hooks.ticket_reopened.send(sender=Ticket, ticket=ticket, by=by, from_status=old)
    return ticket


def solve_ticket(*, ticket: Ticket, by: User) -> Ticket:
    """Solving is a status change; it schedules the customer's survey through the hooks."""
    return change_status(ticket=ticket, status=Status.SOLVED, by=by)


@transaction.atomic
def assign_ticket(
    *, ticket: Ticket, assignee: User | None, by: User, by_rule: int | None = None, data: dict | None = None
) -> Ticket:
    """`data` says why, in the history row (e.g. `{"why": "out_of_office"}` for a hand-over to a deputy)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    if assignee is not None and not assignee.is_active:
        raise DomainError(_("%(user)s is not an active user.") % {"user": assignee}, field="assignee")
    if not access.can_be_assigned(assignee, ticket):
        raise DomainError(
            _("%(user)s is not on the staff of this ticket's department.") % {"user": assignee.get_username()},
            field="assignee",
        )
    old = ticket.assignee.get_username() if ticket.assignee else ""
    ticket.assignee = assignee
    ticket.updated_at = timezone.now()
    fields = ["assignee", "updated_at"]
    if assignee is not None and ticket.status == Status.NEW:
        ticket.status = Status.OPEN
        ticket.status_changed_at = ticket.updated_at
        fields += ["status", "status_changed_at"]
    ticket.save(update_fields=fields)
    record_event(
        ticket=ticket,
        by=by,
        kind=EventKind.ASSIGNEE,
        old=old,
        new=assignee.get_username() if assignee else "",
        data=data,
        by_rule=by_rule,
    )
    return ticket


@transaction.atomic
def set_priority(*, ticket: Ticket, priority: str, by: User, by_rule: int | None = None) -> Ticket:
    if priority not in Priority.values:
        raise DomainError(_("Unknown priority “%(p)s”.") % {"p": priority}, field="priority")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.priority == priority:
        return ticket
    old = ticket.priority
    ticket.priority = priority
    ticket.first_response_due, ticket.resolution_due = _sla_due(priority, ticket.created_at, ticket.queue)
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["priority", "first_response_due", "resolution_due", "updated_at"])
    record_event(ticket=ticket, by=by, kind=EventKind.PRIORITY, old=old, new=priority, by_rule=by_rule)
    return ticket


@transaction.atomic
def move_to_queue(*, ticket: Ticket, queue: Queue, by: User, by_rule: int | None = None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.queue_id == queue.pk:
        return ticket
    old = ticket.queue.name
    ticket.queue = queue
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["queue", "updated_at"])
    record_event(ticket=ticket, by=by, kind=EventKind.QUEUE, old=old, new=queue.name, by_rule=by_rule)
    return ticket


def set_tags(*, ticket: Ticket, names: list[str], by: User, record: bool = True, by_rule: int | None = None) -> Ticket:
    clean = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    with transaction.atomic():
        old = sorted(ticket.tags.values_list("name", flat=True))
        if old == clean:
            return ticket
        tags = [Tag.objects.get_or_create(name=name)[0] for name in clean]
        ticket.tags.set(tags)
        if record:
            record_event(
                ticket=ticket, by=by, kind=EventKind.TAGS, old=", ".join(old), new=", ".join(clean), by_rule=by_rule
            )
    return ticket


@dataclass(frozen=True)
class PropertiesEdit:
    """The ticket page's side panel as submitted; whatever equals the ticket's current value stays untouched."""

    queue: Queue
    assignee: object  # a User, or None for nobody
    priority: str
    tags: list[str]
    fields: dict[str, object] | None = None  # custom field key -> raw value; None leaves the fields alone


@transaction.atomic
def edit_properties(*, ticket: Ticket, by: User, edit: PropertiesEdit) -> Ticket:
    """The side panel's one save: each changed property through its own service (its rules, its history row),
    all or nothing. Fields first (they belong to the current queue), the assignee after the queue (the new
    queue's department decides who may be assigned)."""
    from tickets.services_fields import set_field_values

    if edit.fields:
        ticket = set_field_values(ticket=ticket, values=edit.fields, by=by)
    ticket = set_priority(ticket=ticket, priority=edit.priority, by=by)
    set_tags(ticket=ticket, names=edit.tags, by=by)
    ticket = move_to_queue(ticket=ticket, queue=edit.queue, by=by)
    ticket = assign_ticket(ticket=ticket, assignee=edit.assignee, by=by)
    return ticket


@transaction.atomic
def add_message(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    internal: bool = False,
    body_html: str = "",
    cc: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
    client_token: str = "",
    by_rule: int | None = None,
    seen: int | None = None,
) -> Message:
    """An agent writes on a ticket: a public reply (e-mailed to the customer) or an internal note.

    `client_token` identifies one rendered composer: the same form sent twice posts once (Conflict).
    `seen` is the newest message the writer had on screen: a public reply is refused (UnseenMessages)
    while the customer or a colleague wrote after it, so the writer reads it first and confirms.
    """
    body = (body or "").strip()
    if not body and not body_html:
        raise DomainError(_("The message is empty."), field="body")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if seen is not None and not internal and unseen_messages(ticket=ticket, seen=seen, by=by).exists():
        raise UnseenMessages(
            _("The customer or a colleague wrote on this ticket while you were writing. Read it, then send again."),
            field="seen",
        )
    client_token = (client_token or "")[:64]
    if client_token and Message.objects.filter(ticket=ticket, client_token=client_token).exists():
        raise Conflict(_("This message was already sent (the form was submitted twice)."), field="body")
    if ticket.status == Status.CLOSED and not internal:
        raise DomainError(_("This ticket is closed; open a follow-up ticket instead."), field="body")
    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE if internal else MessageKind.REPLY,
        author=by,
        body=body or html_to_text(body_html),
        body_html=sanitize_html(body_html) if body_html else "",
        created_at=now,
        cc=cc,
        client_token=client_token,
    )
    for filename, content, content_type in attachments or []:
        add_attachment(message=message, filename=filename, content=content, content_type=content_type)
    fields = ["updated_at", "search_document"]
    ticket.updated_at = now
    _append_search(ticket, message.body)
    if not internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if ticket.status == Status.NEW:
            ticket.status = Status.OPEN
            ticket.status_changed_at = now
            fields += ["status", "status_changed_at"]
            record_event(ticket=ticket, by=by, kind=EventKind.STATUS, old=Status.NEW, new=Status.OPEN, by_rule=by_rule)
    ticket.save(update_fields=fields)
    record_event(
        ticket=ticket,
        by=by,
        kind=EventKind.NOTE if internal else EventKind.REPLY,
        data={"message": message.pk},
        by_rule=by_rule,
    )
    if not internal:
        hooks.public_reply_created.send(sender=Message, message=message)
    else:
        from tickets.collab import notify_mentions

        notify_mentions(message=message, by=by)
    return message


@transaction.atomic
def add_customer_message(
    *,
    ticket: Ticket,
    body: str,
    body_html: str = "",
    channel: str = Channel.EMAIL,
    email_message_id: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> Message:
    """The customer writes again: the message joins the thread and a solved ticket reopens.

    On a merged ticket the message lands on the ticket it was merged into.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.merged_into_id:
        from tickets.services_bulk import final_ticket

        ticket = Ticket.objects.select_for_update().get(pk=final_ticket(ticket).pk)
    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        body=body or html_to_text(body_html),
        body_html=sanitize_html(body_html) if body_html else "",
        channel=channel,
        email_message_id=email_message_id,
        created_at=now,
    )
    for filename, content, content_type in attachments or []:
        add_attachment(message=message, filename=filename, content=content, content_type=content_type)
    ticket.updated_at = now
    _append_search(ticket, message.body)
    ticket.save(update_fields=["updated_at", "search_document"])
    record_event(ticket=ticket, by=None, kind=EventKind.CUSTOMER_MESSAGE, data={"message": message.pk})
    hooks.customer_message_created.send(sender=Message, message=message)
    from tickets.collab import notify_followers

    notify_followers(message=message)
    if ticket.status in (Status.SOLVED, Status.PENDING):
        change_status(ticket=ticket, status=Status.OPEN, by=None)
    return message


def render_macro(*, macro: Macro, ticket: Ticket, agent: User) -> str:
    """Fill a macro's placeholders; unknown placeholders are left as written."""
    values = {
        "customer_name": ticket.customer.display_name,
        "agent_name": agent.get_full_name() or agent.get_username(),
        "ticket_ref": ticket.reference,
    }
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), macro.body)


@transaction.atomic
def apply_macro(*, macro: Macro, ticket: Ticket, by: User) -> Ticket:
    """A macro's actions: set priority, add tags, then move the status (a refused transition refuses it all)."""
    if macro.department_id and macro.department_id != ticket.queue.department_id:
        raise DomainError(_("The macro “%(name)s” belongs to another department.") % {"name": macro}, field="macro")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if macro.set_priority:
        ticket = set_priority(ticket=ticket, priority=macro.set_priority, by=by)
    new_tags = [tag.name for tag in macro.add_tags.all()]
    if new_tags:
        current = list(ticket.tags.values_list("name", flat=True))
        set_tags(ticket=ticket, names=current + new_tags, by=by)
    if macro.set_status and macro.set_status != ticket.status:
        ticket = change_status(ticket=ticket, status=macro.set_status, by=by)
    record_event(ticket=ticket, by=by, kind=EventKind.MACRO, new=macro.name, data={"macro": macro.pk})
    return ticket


@transaction.atomic
def write_on_ticket(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    internal: bool = False,
    attachments: list[tuple[str, bytes, str]] | None = None,
    client_token: str = "",
    macro: Macro | None = None,
    then_status: str = "",
    seen: int | None = None,
) -> Message:
    """The composer's one submit: the message, then the macro's actions, then "and solve"-style status.

    All or nothing: a refused transition or a bad attachment leaves no message behind.
    """
    message = add_message(
        ticket=ticket,
        by=by,
        body=body,
        internal=internal,
        attachments=attachments,
        client_token=client_token,
        seen=seen,
    )
    if macro is not None:
        apply_macro(macro=macro, ticket=ticket, by=by)
    if then_status:
        current = Ticket.objects.only("status").get(pk=ticket.pk).status
        if current != then_status:
            change_status(ticket=ticket, status=then_status, by=by)
    return message


def record_customer_change(*, customer: Customer, by: User | None, kind: str, changes: dict) -> None:
    """A change to a customer is history on each of their tickets: one row per ticket, raw values in data."""
    if not changes:
        return
    now = timezone.now()
    events.record_many(
        [
            TicketEvent(ticket_id=pk, actor=by, kind=kind, data=changes, created_at=now)
            for pk in Ticket.objects.filter(customer=customer).values_list("pk", flat=True)
        ]
    )


@transaction.atomic
def update_customer(
    *, customer: Customer, by: User, name: str, language: str, organisation: str = "", notes: str = ""
) -> Customer:
    """Staff correct a customer's record; the e-mail address is their identity and stays."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise DomainError(_("Unknown language “%(l)s”.") % {"l": language}, field="language")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    new = {
        "name": (name or "").strip()[:200],
        "language": language,
        "organisation": (organisation or "").strip()[:200],
        "notes": notes or "",
    }
    # Notes may be long: history says they changed, not what they say.
    changes = {
        field: ([getattr(customer, field), value] if field != "notes" else True)
        for field, value in new.items()
        if getattr(customer, field) != value
    }
    for field, value in new.items():
        setattr(customer, field, value)
    customer.save(update_fields=list(new))
    record_customer_change(customer=customer, by=by, kind=EventKind.CUSTOMER, changes=changes)
    return customer


@transaction.atomic
def update_preferences(*, user: User, language: str, timezone_name: str) -> None:
    """A person sets their own interface language and time zone; nobody else's."""
    import zoneinfo

    from tickets.models import Profile

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(_("Unknown language “%(code)s”.") % {"code": language}, field="language")
    try:
        zoneinfo.ZoneInfo(timezone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Unknown time zone “%(tz)s”.") % {"tz": timezone_name}, field="timezone") from None
    Profile.objects.update_or_create(user=user, defaults={"language": language, "timezone": timezone_name})
