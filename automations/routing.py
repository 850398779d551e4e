"""Fair routing: round robin among the available agents and leads of the ticket's department."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from automations.actions import ActionError
from automations.models import AgentState, Availability
from tickets import services as ticket_services
from tickets.models import OPEN_STATUSES, Role, Ticket


def candidates(department_id: int):
    """Active agents and leads of the department who are not away (never managers or admins)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__department_id=department_id, groups__name__in=[Role.AGENT, Role.LEAD])
        .exclude(groups__name__in=[Role.MANAGER, Role.ADMIN])
        .exclude(is_superuser=True)
        .exclude(agent_state__availability=Availability.AWAY)
        .annotate(
            open_count=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES), distinct=True)
        )
        .distinct()
    )


@transaction.atomic
def assign_round_robin(*, ticket: Ticket, by_rule: int | None = None, balanced: bool = False, by=None):
    """Assign to the one assigned longest ago (or, balanced, with fewest open tickets), skipping anyone at capacity."""
    department_id = ticket.queue.department_id
    people = candidates(department_id).annotate(last=F("agent_state__last_assigned_at"), cap=F("agent_state__max_open"))
    order = (
        ["open_count", F("last").asc(nulls_first=True), "id"] if balanced else [F("last").asc(nulls_first=True), "id"]
    )
    chosen = next((p for p in people.order_by(*order) if p.cap is None or p.open_count < p.cap), None)
    if chosen is None:
        raise ActionError("nobody in the department is available below their capacity")
    ticket_services.assign_ticket(ticket=ticket, assignee=chosen, by=by, by_rule=by_rule)
    AgentState.objects.update_or_create(user=chosen, defaults={"last_assigned_at": timezone.now()})
    return chosen


def set_availability(*, user, availability: str) -> AgentState:
    """A person marks themself available or away; away people get no automatic assignment."""
    from helpdesk.errors import DomainError

    if availability not in Availability.values:
        raise DomainError(f"unknown availability “{availability}”", field="availability")
    state, _ = AgentState.objects.update_or_create(user=user, defaults={"availability": availability})
    return state


def availability_of(user) -> str:
    state = AgentState.objects.filter(user=user).values_list("availability", flat=True).first()
    return state or Availability.AVAILABLE
