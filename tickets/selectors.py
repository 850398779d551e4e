"""Reads of tickets: filtering, full-text search and ordering shared by the inbox and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import access, search
from tickets.models import OPEN_STATUSES, Customer, Macro, Queue, Status, Tag, Ticket

ORDERINGS = {
    "updated": "-updated_at",
    "-updated": "updated_at",
    "created": "-created_at",
    "-created": "created_at",
    "priority": "-priority_rank",
    "due": "resolution_due",
}
SORT_LABELS = {
    "updated": _("Recently updated"),
    "-updated": _("Least recently updated"),
    "created": _("Newest"),
    "-created": _("Oldest"),
    "priority": _("Priority, highest first"),
    "due": _("Resolution due, soonest first"),
}

# A ticket whose SLA target falls due within this window is "near breach".
SLA_NEAR = dt.timedelta(hours=1)
# The sidebar's counts per view may be this many seconds old; they would otherwise cost a scan per page.
VIEW_COUNTS_TTL = 30

INBOX_VIEWS = {
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "department": _("My department"),
    "pending": _("Pending"),
    "sla": _("Breaching SLA"),  # breached or due within SLA_NEAR
    "all": _("All tickets"),
}
DEFAULT_VIEW = "mine"


def search_q(q: str) -> Q:
    """Full-text search on subject, messages and customer (PostgreSQL, GIN-indexed); LIKE on SQLite."""
    q = (q or "").strip()
    if not q:
        return Q()
    if q.upper().startswith("LAT-") and is_id(q[4:]):
        return Q(pk=int(q[4:]))
    condition = search.full_text(q, vendor=connection.vendor)
    if is_id(q) and len(q) <= 12:
        # A bare number is most often a reference typed without its prefix: 290 finds LAT-000290 too.
        condition |= Q(pk=int(q))
    return condition


def search_tickets(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Full-text search on subject, messages and customer (PostgreSQL, GIN-indexed); LIKE on SQLite."""
    condition = search_q(q)
    return qs.filter(condition) if condition else qs


def with_priority_rank(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.annotate(
        priority_rank=Case(
            When(priority="urgent", then=Value(3)),
            When(priority="high", then=Value(2)),
            When(priority="normal", then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def order_tickets(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """Order by one of ORDERINGS (unknown keys fall back to recently updated); ties broken by id."""
    key = sort if sort in ORDERINGS else "updated"
    if key == "priority":
        return with_priority_rank(qs).order_by("-priority_rank", "-updated_at", "-id")
    if key == "due":
        return qs.order_by(F("resolution_due").asc(nulls_last=True), "-id")
    field = ORDERINGS[key]
    return qs.order_by(field, f"{'-' if field.startswith('-') else ''}id")


def _department_q(user) -> Q:
    department_id = access.department_id_of(user)
    return Q(queue__department_id=department_id) | Q(queue__department__lead=user) | Q(queue__department__manager=user)


# The SLA clock runs while the ticket waits on us; pending (waiting on the customer) pauses it.
SLA_STATUSES = (Status.NEW, Status.OPEN)


def sla_q(now: dt.datetime | None = None) -> Q:
    """Tickets waiting on us whose resolution, or missing first response, is overdue or due within SLA_NEAR."""
    horizon = (now or timezone.now()) + SLA_NEAR
    return Q(status__in=SLA_STATUSES) & (
        Q(resolution_due__lte=horizon) | Q(first_response_at__isnull=True, first_response_due__lte=horizon)
    )


def view_q(user, view: str, now: dt.datetime | None = None) -> Q:
    if view == "mine":
        return Q(assignee=user, status__in=OPEN_STATUSES)
    if view == "unassigned":
        return Q(assignee__isnull=True, status__in=OPEN_STATUSES)
    if view == "department":
        return _department_q(user) & Q(status__in=OPEN_STATUSES)
    if view == "pending":
        return Q(status=Status.PENDING)
    if view == "sla":
        return sla_q(now)
    return Q()


TICKETS_VERSION_KEY = "tickets:version"


def tickets_version() -> int:
    """A number that changes after every committed ticket change (tickets.apps bumps it per event):
    cached counts keyed on it are never older than the last change."""
    version = cache.get(TICKETS_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(TICKETS_VERSION_KEY, version, None)
    return version


def _bump_once(_events=None) -> None:
    try:
        cache.incr(TICKETS_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates what was cached
        cache.set(TICKETS_VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def bump_tickets_version(_event=None) -> None:
    """An after-commit event subscriber: every cached count keyed on the version is now stale
    (a bulk change's events bump it once: tickets.events.record_many calls `.many`)."""
    _bump_once()


bump_tickets_version.many = _bump_once


def view_counts(user, extra: dict[str, Q] | None = None) -> dict[str, int]:
    """How many tickets each inbox view holds for this user, and each of `extra` (saved views, by a key):
    one aggregate query for all of them, cached until the next ticket change (or VIEW_COUNTS_TTL)."""
    extra = extra or {}
    signature = hashlib.sha1(repr(sorted((k, str(q)) for k, q in extra.items())).encode()).hexdigest()[:16]
    key = f"tickets:inbox-counts:{user.pk}:{tickets_version()}:{signature}"
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        aggregates = {name: Count("pk", filter=view_q(user, name, now)) for name in INBOX_VIEWS}
        aggregates.update({name: Count("pk", filter=q) for name, q in extra.items()})
        counts = access.visible_tickets(user).order_by().aggregate(**aggregates)
        cache.set(key, counts, VIEW_COUNTS_TTL)
    return counts


@dataclass
class InboxFilters:
    view: str = DEFAULT_VIEW
    status: str = ""
    priority: str = ""
    queue: int | None = None
    assignee: str = ""  # "me", "none" or a user id
    tag: str = ""
    q: str = ""
    sort: str = "updated"
    fields: dict[str, str] = field(default_factory=dict)  # custom field key -> raw value


def filters_q(user, filters: InboxFilters) -> Q:
    """The condition behind one inbox view with its filters (no ordering): the list's rows, and a saved
    view's count as one `Count(filter=...)` of the sidebar's single aggregate. No joins, so counting
    several of them in one query never multiplies rows."""
    if filters.status:
        # An explicit status wins over the "open tickets only" of mine / unassigned / my department.
        condition = Q(status=filters.status) & _strip_status(user, filters.view)
    else:
        condition = view_q(user, filters.view)
    if filters.priority:
        condition &= Q(priority=filters.priority)
    if filters.queue is not None:
        condition &= Q(queue_id=filters.queue)
    if filters.assignee == "me":
        condition &= Q(assignee=user)
    elif filters.assignee == "none":
        condition &= Q(assignee__isnull=True)
    elif is_id(filters.assignee):
        condition &= Q(assignee_id=int(filters.assignee))
    if filters.tag:
        tagged = Ticket.tags.through.objects.filter(tag__name=filters.tag).values("ticket_id")
        condition &= Q(pk__in=tagged)
    if filters.fields:
        from tickets.services_fields import field_filters_q

        try:
            condition &= field_filters_q(filters.fields)
        except DomainError:
            pass  # a list never errors: a stale or mistyped field filter is ignored
    return condition & search_q(filters.q)


def inbox_tickets(user, filters: InboxFilters) -> QuerySet[Ticket]:
    """The inbox's rows: the user's visible tickets in one view, filtered, searched and sorted."""
    qs = access.visible_tickets(user).filter(filters_q(user, filters))
    qs = order_tickets(qs, filters.sort)
    return qs.select_related("customer", "queue", "assignee").prefetch_related("tags")


def _strip_status(user, view: str) -> Q:
    if view == "mine":
        return Q(assignee=user)
    if view == "unassigned":
        return Q(assignee__isnull=True)
    if view == "department":
        return _department_q(user)
    return view_q(user, view)


def sla_state(ticket: Ticket, now: dt.datetime | None = None) -> str:
    """ "breached", "near" or "" for a ticket waiting on us, from its first-response and resolution targets."""
    if ticket.status not in SLA_STATUSES:
        return ""
    now = now or timezone.now()
    dues = [ticket.resolution_due]
    if ticket.first_response_at is None:
        dues.append(ticket.first_response_due)
    dues = [due for due in dues if due is not None]
    if not dues:
        return ""
    soonest = min(dues)
    if soonest <= now:
        return "breached"
    if soonest <= now + SLA_NEAR:
        return "near"
    return ""


def staff_users(user) -> QuerySet:
    """People a ticket can be assigned to, as this user sees them: their department's staff (all for managers)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=access.STAFF_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    if access.is_manager_or_above(user):
        return users
    return users.filter(Q(profile__department_id=access.department_id_of(user)) | Q(pk=user.pk))


FILTER_OPTIONS_TTL = 60
TICKET_FIELDS_CACHE_KEY = "tickets:ticket-fields:v2"


def filterable_fields() -> list[dict]:
    """Custom field definitions for the inbox's filters and columns; cached briefly (they change rarely)."""
    from tickets.models import TicketField

    rows = cache.get(TICKET_FIELDS_CACHE_KEY)
    if rows is None:
        rows = list(TicketField.objects.values("key", "label", "type", "choices", "inbox_column"))
        cache.set(TICKET_FIELDS_CACHE_KEY, rows, FILTER_OPTIONS_TTL)
    return rows


def filter_options(user) -> dict[str, list]:
    """Queues, people and tags offered by the inbox's filters; cached briefly, memoised per request user."""
    memo = getattr(user, "_latitude_filter_options", None)
    if memo is not None:
        return memo
    department_id = access.department_id_of(user)
    if access.is_manager_or_above(user):
        scope = "all"
    else:
        scope = f"dept{department_id}" if department_id else f"user{user.pk}"
    key = f"tickets:filter-options:{scope}"
    options = cache.get(key)
    if options is None:
        options = {
            "queues": list(Queue.objects.order_by("name").values_list("pk", "name")),
            "people": [(u.pk, u.get_full_name() or u.get_username()) for u in staff_users(user)],
            "tags": list(Tag.objects.order_by("name").values_list("name", flat=True)),
        }
        cache.set(key, options, FILTER_OPTIONS_TTL)
    user._latitude_filter_options = options
    return options


def macros_for(ticket: Ticket) -> QuerySet[Macro]:
    return Macro.objects.filter(Q(department__isnull=True) | Q(department_id=ticket.queue.department_id))


def customer_tickets(user, customer: Customer) -> QuerySet[Ticket]:
    """A customer's tickets that this user may see, newest first."""
    return (
        access.visible_tickets(user)
        .filter(customer=customer)
        .select_related("queue", "assignee")
        .order_by("-created_at", "-id")
    )


# --- saved views ----------------------------------------------------------------------------------


def saved_views_for(user) -> list:
    """The user's own views and those shared with their department (or a department they lead or
    manage), by name; memoised per request user (the inbox page and its sidebar both ask)."""
    from tickets.models import Department, SavedView

    memo = getattr(user, "_latitude_saved_views", None)
    if memo is not None:
        return memo
    led = Department.objects.filter(Q(lead=user) | Q(manager=user)).values("id")
    shared = Q(department_id=access.department_id_of(user)) | Q(department_id__in=led)
    views = list(
        SavedView.objects.filter(Q(owner=user) | (Q(department__isnull=False) & shared))
        .select_related("department")
        .order_by("department_id", "name", "id")
    )
    views.sort(key=lambda v: (v.department_id is not None, v.name.casefold(), v.pk))
    user._latitude_saved_views = views
    return views


def get_saved_view_for_user(user, pk: int):
    """A saved view the user may see (their own or shared with them); anything else is a 404."""
    from django.http import Http404

    for view in saved_views_for(user):
        if view.pk == pk:
            return view
    raise Http404("No such view")
