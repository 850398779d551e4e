"""Fair routing: round robin among the available agents and leads of the ticket's department."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from automations.actions import ActionError
from automations.models import AgentState, Availability
from tickets import services as ticket_services
from tickets.models import OPEN_STATUSES, Role, Ticket


def out_of_office_now(now=None):
    """A subquery: the person (OuterRef pk) has an out-of-office (agents.Delegation) running now."""
    from agents.models import Delegation

    now = now or timezone.now()
    return Exists(Delegation.objects.filter(from_user=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now))


def candidates(department_id: int):
    """Active agents and leads of the department who are not away nor out of office (never managers or admins)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__department_id=department_id, groups__name__in=[Role.AGENT, Role.LEAD])
        .exclude(groups__name__in=[Role.MANAGER, Role.ADMIN])
        .exclude(is_superuser=True)
        .exclude(agent_state__availability=Availability.AWAY)
        .exclude(out_of_office_now())
        .annotate(
            open_count=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES), distinct=True)
        )
        .distinct()
    )


def next_assignee(*, ticket: Ticket, balanced: bool = False):
    """Who round robin would pick now: the one assigned longest ago (or, balanced, with fewest open
    tickets), skipping anyone at capacity; None when nobody can take it. Reads only."""
    people = candidates(ticket.queue.department_id).annotate(
        last=F("agent_state__last_assigned_at"), cap=F("agent_state__max_open")
    )
    order = (
        ["open_count", F("last").asc(nulls_first=True), "id"] if balanced else [F("last").asc(nulls_first=True), "id"]
    )
    return next((p for p in people.order_by(*order) if p.cap is None or p.open_count < p.cap), None)


@transaction.atomic
def assign_round_robin(*, ticket: Ticket, by_rule: int | None = None, balanced: bool = False, by=None):
    """Assign to the one assigned longest ago (or, balanced, with fewest open tickets), skipping anyone at capacity."""
    chosen = next_assignee(ticket=ticket, balanced=balanced)
    if chosen is None:
        raise ActionError("nobody in the department is available below their capacity")
    ticket_services.assign_ticket(ticket=ticket, assignee=chosen, by=by, by_rule=by_rule)
    AgentState.objects.update_or_create(user=chosen, defaults={"last_assigned_at": timezone.now()})
    return chosen


HEADER_CACHE_SECONDS = 60


def _header_key(user_id: int) -> str:
    return f"automations:availability:{user_id}"


def running_out_of_office(user, *, now=None):
    """The person's out-of-office (agents.Delegation) running now, or None."""
    from agents.models import Delegation

    now = now or timezone.now()
    return (
        Delegation.objects.filter(from_user=user, starts_at__lte=now, ends_at__gt=now)
        .select_related("to_user")
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def set_availability(*, user, availability: str) -> AgentState:
    """A person marks themself available or away; away people get no automatic assignment. Marking oneself
    available during an out-of-office ends it now (back early); the handed-over tickets stay with the deputy."""
    from agents.services import end_delegation
    from helpdesk.errors import DomainError

    if availability not in Availability.values:
        raise DomainError(f"unknown availability “{availability}”", field="availability")
    if availability == Availability.AVAILABLE:
        running = running_out_of_office(user)
        if running is not None:
            end_delegation(delegation=running, by=user)
    state, _ = AgentState.objects.update_or_create(user=user, defaults={"availability": availability})
    forget_availability(user.pk)
    return state


def availability_of(user) -> str:
    """ "away" when the person said so or is out of office now; else "available"."""
    state = AgentState.objects.filter(user=user).values_list("availability", flat=True).first()
    if state == Availability.AWAY or running_out_of_office(user) is not None:
        return Availability.AWAY
    return Availability.AVAILABLE


def header_state(user) -> dict:
    """What the top bar shows: `{availability, out_until}`; cached a minute (no query on a warm page)."""
    key = _header_key(user.pk)
    state = cache.get(key)
    if state is None:
        running = running_out_of_office(user)
        state = {
            "availability": availability_of(user),
            "out_until": running.ends_at if running else None,
        }
        cache.set(key, state, HEADER_CACHE_SECONDS)
    return state


def forget_availability(user_id: int) -> None:
    cache.delete(_header_key(user_id))
