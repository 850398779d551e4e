"""Reads of tickets: filtering, full-text search and ordering shared by the inbox and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import access, search
from tickets.models import OPEN_STATUSES, Customer, Macro, Queue, Status, Tag, Ticket

# The inbox's one ordering table (the API's `ordering` names are in tickets.filters). "urgency", the
# default: breached first, then the SLA target due soonest, then priority.
ORDERINGS = {
    "urgency": "sla_due",
    "updated": "-updated_at",
    "-updated": "updated_at",
    "created": "-created_at",
    "-created": "created_at",
    "priority": "-priority_rank",
    "due": "resolution_due",
}
SORT_LABELS = {
    "urgency": _("Most urgent first"),
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
DEFAULT_SORT = "urgency"


def default_view(user) -> str:
    """Where the inbox opens: an agent's own tickets; a lead's or manager's team (their "Mine" is mostly empty)."""
    return "department" if access.is_lead_or_above(user) else DEFAULT_VIEW


def search_tickets(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Full-text search on subject, messages and customer (PostgreSQL, GIN-indexed); LIKE on SQLite."""
    q = (q or "").strip()
    if not q:
        return qs
    if q.upper().startswith("LAT-") and is_id(q[4:]):
        return qs.filter(pk=int(q[4:]))
    condition = search.full_text(q, vendor=connection.vendor)
    if is_id(q) and len(q) <= 12:
        # A bare number is most often a reference typed without its prefix: 290 finds LAT-000290 too.
        condition |= Q(pk=int(q))
    return qs.filter(condition)


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


def with_sla_due(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`sla_due`: the SLA target the ticket must meet next while it waits on us (missing first response or
    resolution, whichever is sooner; business hours are in the stored due times); null when the clock is paused."""
    waiting = Q(status__in=SLA_STATUSES)
    no_response = waiting & Q(first_response_at__isnull=True, first_response_due__isnull=False)
    return qs.annotate(
        sla_due=Case(
            When(no_response & Q(resolution_due__isnull=False), then=Least("first_response_due", "resolution_due")),
            When(no_response, then=F("first_response_due")),
            When(waiting, then=F("resolution_due")),
            default=Value(None),
            output_field=DateTimeField(),
        )
    )


def order_tickets(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """Order by one of ORDERINGS (unknown keys fall back to the most urgent first); ties broken by id."""
    key = sort if sort in ORDERINGS else DEFAULT_SORT
    if key == "urgency":
        # Overdue targets sort before due ones by time alone; priority decides among equal (or no) targets.
        return with_priority_rank(with_sla_due(qs)).order_by(
            F("sla_due").asc(nulls_last=True), "-priority_rank", "-updated_at", "-id"
        )
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


def view_counts(user) -> dict[str, int]:
    """How many tickets each inbox view holds for this user; cached briefly (one aggregate query)."""
    key = f"tickets:inbox-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        counts = access.visible_tickets(user).aggregate(
            **{name: Count("pk", filter=view_q(user, name, now)) for name in INBOX_VIEWS}
        )
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
    sort: str = DEFAULT_SORT
    fields: dict[str, str] = field(default_factory=dict)  # custom field key -> raw value


def inbox_tickets(user, filters: InboxFilters) -> QuerySet[Ticket]:
    """The inbox's rows: the user's visible tickets in one view, filtered, searched and sorted."""
    qs = access.visible_tickets(user)
    if filters.status:
        # An explicit status wins over the "open tickets only" of mine / unassigned / my department.
        qs = qs.filter(status=filters.status)
        view_filter = _strip_status(user, filters.view)
    else:
        view_filter = view_q(user, filters.view)
    qs = qs.filter(view_filter)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.queue is not None:
        qs = qs.filter(queue_id=filters.queue)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif is_id(filters.assignee):
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.fields:
        from tickets.services_fields import apply_field_filters

        try:
            qs = apply_field_filters(qs, filters.fields)
        except DomainError:
            pass  # a list never errors: a stale or mistyped field filter is ignored
    qs = search_tickets(qs, filters.q)
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


def next_sla_due(ticket: Ticket) -> dt.datetime | None:
    """The SLA target this ticket must meet next while it waits on us (as `with_sla_due` computes in SQL)."""
    if ticket.status not in SLA_STATUSES:
        return None
    dues = [ticket.resolution_due]
    if ticket.first_response_at is None:
        dues.append(ticket.first_response_due)
    dues = [due for due in dues if due is not None]
    return min(dues) if dues else None


def sla_state(ticket: Ticket, now: dt.datetime | None = None) -> str:
    """ "breached", "near" or "" for a ticket waiting on us, from its first-response and resolution targets."""
    soonest = next_sla_due(ticket)
    if soonest is None:
        return ""
    now = now or timezone.now()
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
TICKET_FIELDS_CACHE_KEY = "tickets:ticket-fields"


def filterable_fields() -> list[dict]:
    """Custom field definitions for the inbox's filters and columns; cached briefly (they change rarely)."""
    from tickets.models import TicketField

    rows = cache.get(TICKET_FIELDS_CACHE_KEY)
    if rows is None:
        rows = list(TicketField.objects.values("key", "label", "type", "choices"))
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
    key = f"tickets:filter-options:v2:{scope}"  # v2: queues carry their translations
    options = cache.get(key)
    if options is None:
        options = {
            "queues": list(Queue.objects.order_by("name").values_list("pk", "name", "translations")),
            "people": [(u.pk, u.get_full_name() or u.get_username()) for u in staff_users(user)],
            "tags": list(Tag.objects.order_by("name").values_list("name", flat=True)),
        }
        cache.set(key, options, FILTER_OPTIONS_TTL)
    # Queue names in the viewer's language (the cache holds every language's, shared by all viewers).
    options = {**options, "queues": [(pk, _queue_name(name, names)) for pk, name, names in options["queues"]]}
    user._latitude_filter_options = options
    return options


def _queue_name(name: str, translations: dict | None) -> str:
    from helpdesk.translated import localized

    return localized(Queue(name=name, translations=translations or {}))


def macros_for(ticket: Ticket) -> QuerySet[Macro]:
    return Macro.objects.filter(Q(department__isnull=True) | Q(department_id=ticket.queue.department_id))


def macro_effects(macro: Macro) -> list[str]:
    """What sending with this macro changes besides the text, in the viewer's language, for the composer to show."""
    from django.utils.translation import gettext

    effects = []
    if macro.set_status:
        effects.append(gettext("set the status to %(status)s") % {"status": Status(macro.set_status).label})
    if macro.set_priority:
        effects.append(gettext("set the priority to %(priority)s") % {"priority": macro.get_set_priority_display()})
    tags = [tag.name for tag in macro.add_tags.all()]
    if tags:
        effects.append(gettext("add the tags %(tags)s") % {"tags": ", ".join(tags)})
    return effects


def macro_summary(macro: Macro) -> str:
    """ "When sent, this macro will also: set the status to Pending; add the tags refund." or ""."""
    from django.utils.translation import gettext

    effects = macro_effects(macro)
    if not effects:
        return ""
    return gettext("When sent, this macro will also: %(effects)s.") % {"effects": "; ".join(effects)}


def customer_tickets(user, customer: Customer) -> QuerySet[Ticket]:
    """A customer's tickets that this user may see, newest first."""
    return (
        access.visible_tickets(user)
        .filter(customer=customer)
        .select_related("queue", "assignee")
        .order_by("-created_at", "-id")
    )
