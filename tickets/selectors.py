"""Reads of tickets: filtering, full-text search and ordering shared by the inbox and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import access, ordering, search
from tickets.models import OPEN_STATUSES, Customer, Macro, Queue, Status, Tag, Ticket

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tickets.models import Profile, SavedView

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


def default_view(user: User) -> str:
    """Where the inbox opens: an agent's own tickets; a lead's or manager's team (their "Mine" is mostly empty)."""
    return "department" if access.is_lead_or_above(user) else DEFAULT_VIEW


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


def order_inbox(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """The inbox's `sort` through the one ordering table (unknown values fall back to its default)."""
    return ordering.order_tickets(qs, ordering.BY_INBOX.get(sort) or ordering.BY_INBOX[ordering.INBOX_DEFAULT])


def _department_q(user) -> Q:
    department_id = access.department_id_of(user)
    return Q(queue__department_id=department_id) | Q(queue__department__lead=user) | Q(queue__department__manager=user)


# The SLA clock runs while the ticket waits on us; pending (waiting on the customer) pauses it.
SLA_STATUSES = ordering.SLA_STATUSES


def sla_q(now: dt.datetime | None = None) -> Q:
    """Tickets waiting on us whose resolution, or missing first response, is overdue or due within SLA_NEAR."""
    horizon = (now or timezone.now()) + SLA_NEAR
    return Q(status__in=SLA_STATUSES) & (
        Q(resolution_due__lte=horizon) | Q(first_response_at__isnull=True, first_response_due__lte=horizon)
    )


def view_q(user: User, view: str, now: dt.datetime | None = None) -> Q:
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


def bump_tickets_version(_event: object = None) -> None:
    """An after-commit event subscriber: every cached count keyed on the version is now stale
    (a bulk change's events bump it once: tickets.events.record_many calls `.many`)."""
    _bump_once()


bump_tickets_version.many = _bump_once


def view_counts(user: User, extra: dict[str, Q] | None = None) -> dict[str, int]:
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
    sort: str = ordering.INBOX_DEFAULT
    fields: dict[str, str] = field(default_factory=dict)  # custom field key -> raw value


def filters_q(user: User, filters: InboxFilters) -> Q:
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


def inbox_tickets(user: User, filters: InboxFilters) -> QuerySet[Ticket]:
    """The inbox's rows: the user's visible tickets in one view, filtered, searched and sorted."""
    qs = access.visible_tickets(user).filter(filters_q(user, filters))
    qs = order_inbox(qs, filters.sort)
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


def staff_users(user: User) -> QuerySet:
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


def filter_options(user: User) -> dict[str, list]:
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


def customer_tickets(user: User, customer: Customer) -> QuerySet[Ticket]:
    """A customer's tickets that this user may see, newest first."""
    return (
        access.visible_tickets(user)
        .filter(customer=customer)
        .select_related("queue", "assignee")
        .order_by("-created_at", "-id")
    )


# --- reference data, cached until it changes (helpdesk.refdata) -----------------------------------


def cached_profile(user: User) -> Profile | None:
    """The user's profile (or None) without a query once cached; attached to the user as `user.profile`."""
    from django.contrib.auth.models import User

    from helpdesk import refdata
    from tickets.models import Profile

    if "profile" in user._state.fields_cache:
        return user._state.fields_cache["profile"]
    profile = refdata.cached(
        f"profile:{user.pk}", [Profile, User], lambda: Profile.objects.filter(user_id=user.pk).first() or False
    )
    if profile:
        profile.user = user
        user._state.fields_cache["profile"] = profile
        return profile
    return None


def queue_choices() -> list[tuple[int, str]]:
    """Every queue as (id, name), in the queue form's order."""
    from helpdesk import refdata
    from tickets.models import Department

    return refdata.cached("queue-choices", [Queue, Department], lambda: [(q.pk, str(q)) for q in Queue.objects.all()])


def macro_choices(ticket: Ticket) -> list[tuple[int, str]]:
    """The macros offered on this ticket's page (shared ones and its department's) as (id, name)."""
    from helpdesk import refdata

    department_id = ticket.queue.department_id if ticket.queue_id else None
    return refdata.cached(
        f"macro-choices:{department_id}", [Macro, Queue], lambda: [(m.pk, str(m)) for m in macros_for(ticket)]
    )


def staff_choices(user: User) -> list[tuple[int, str]]:
    """`staff_users(user)` as (id, name), for the assignee select."""
    from django.contrib.auth.models import Group, User

    from helpdesk import refdata
    from tickets.models import Profile

    def compute() -> list[tuple[int, str]]:
        return [(u.pk, u.get_full_name() or u.get_username()) for u in staff_users(user)]

    scope = "all" if access.is_manager_or_above(user) else f"dept{access.department_id_of(user)}:user{user.pk}"
    return refdata.cached(f"staff-choices:{scope}", [User, Group, Profile], compute)


def display_names() -> dict[str, str]:
    """Every account's username → the name pages show (full name, else the username): the ticket
    history names people by username, and reading them here costs no query per page."""
    from django.contrib.auth.models import User

    from helpdesk import refdata

    def compute() -> dict[str, str]:
        rows = User.objects.values_list("username", "first_name", "last_name")
        return {username: f"{first} {last}".strip() or username for username, first, last in rows}

    return refdata.cached("display-names", [User], compute)


def thread_of(ticket: Ticket) -> list:
    """The ticket's messages in order, shaped by the later apps (tickets.hooks.thread_queryset_hooks), each
    with its attachments: one query for the messages, and one more only when some message has files."""
    from django.db.models import Exists, OuterRef, prefetch_related_objects

    from tickets import hooks
    from tickets.models import Attachment

    qs = ticket.messages.select_related("author").annotate(
        has_files=Exists(Attachment.objects.filter(message_id=OuterRef("pk")))
    )
    for shape in hooks.thread_queryset_hooks:
        qs = shape(qs)
    messages = list(qs)
    with_files = [m for m in messages if m.has_files]
    for message in messages:
        if not message.has_files:
            message._prefetched_objects_cache = {"attachments": Attachment.objects.none()}
    prefetch_related_objects(with_files, "attachments")
    return messages


def badge_counts(request: HttpRequest) -> dict[str, int]:
    """Every badge of the menu (tickets.hooks.badge_queries) counted in one query. While a page renders,
    the navigation context processor counts them once (`prefetch_badges`) and the providers read that."""
    memo = getattr(request, "_latitude_badges", None)
    if memo is not None and memo[0] == request.user.pk:
        return memo[1]
    return _count_badges(request.user)


def prefetch_badges(request: HttpRequest) -> dict[str, int]:
    """Count every badge now and keep the numbers on the request for this render (popped by
    notices.context_processors.badge, the last to read them)."""
    found = _count_badges(request.user)
    request._latitude_badges = (request.user.pk, found)
    return found


def _count_badges(user) -> dict[str, int]:
    from tickets import hooks

    querysets: dict[str, QuerySet] = {}
    if user.is_authenticated:
        for provider in hooks.badge_queries:
            querysets.update(provider(user))
    found: dict[str, int] = {}
    names, parts, params = [], [], []
    for i, (name, qs) in enumerate(querysets.items()):
        try:
            sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a .none(): nothing to count
            found[name] = 0
            continue
        names.append(name)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS badge_{i})")
        params.extend(qs_params)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            found.update(zip(names, cursor.fetchone(), strict=True))
    return found


@dataclass
class TicketRelations:
    """The ticket page's small lists about one ticket: its tags, whether the viewer follows it, the tickets
    merged into it and split from it."""

    tags: list[Tag]
    following: bool
    merged: list[Ticket]
    split: list[Ticket]


def ticket_relations(ticket: Ticket, user: User) -> TicketRelations:
    """All four in one query (a UNION ALL of (kind, id, text) rows), kept on the ticket for the page's
    panels to share."""
    found = getattr(ticket, "_latitude_relations", None)
    if found is not None and found[0] == user.pk:
        return found[1]
    from django.db.models import CharField

    def rows(qs, kind: str, text: str):
        return qs.annotate(rel=Value(kind, output_field=CharField())).values_list("rel", "id", text).order_by()

    union = rows(Tag.objects.filter(tickets=ticket), "tag", "name").union(
        rows(Ticket.objects.filter(merged_into=ticket), "merged", "subject"),
        rows(Ticket.objects.filter(split_from=ticket), "split", "subject"),
        rows(get_user_model().objects.filter(followed_tickets=ticket, pk=user.pk), "following", "username"),
        all=True,
    )
    result = TicketRelations(tags=[], following=False, merged=[], split=[])
    for kind, pk, text in union:
        if kind == "tag":
            result.tags.append(Tag(id=pk, name=text))
        elif kind == "following":
            result.following = True
        else:
            target = result.merged if kind == "merged" else result.split
            target.append(Ticket(id=pk, subject=text))
    result.tags.sort(key=lambda t: t.name)
    result.merged.sort(key=lambda t: -t.pk)
    result.split.sort(key=lambda t: -t.pk)
    ticket._latitude_relations = (user.pk, result)
    return result


# --- saved views ----------------------------------------------------------------------------------


def saved_views_for(user: User) -> list:
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


def get_saved_view_for_user(user: User, pk: int) -> SavedView:
    """A saved view the user may see (their own or shared with them); anything else is a 404."""
    from django.http import Http404

    for view in saved_views_for(user):
        if view.pk == pk:
            return view
    raise Http404("No such view")
