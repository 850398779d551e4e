"""Who may see and change what in automations: rules are for admins and managers; an out-of-office is set
by the person, their department's lead, or a manager."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

from automations.models import Rule
from helpdesk.ids import is_id
from tickets.access import department_id_of, has_role, is_manager_or_above, is_staff_member
from tickets.models import Role


def get_rule_for_user(user, pk) -> Rule:
    """Rule pages are already limited to admins and managers by their decorator; a bad id is a 404."""
    if not is_manager_or_above(user) or not is_id(str(pk)):
        raise Http404("No such rule")
    return get_object_or_404(Rule, pk=int(pk))


def can_set_away_for(by, person) -> bool:
    if not is_staff_member(by) or not is_staff_member(person) or not person.is_active:
        return False
    if by.pk == person.pk or is_manager_or_above(by):
        return True
    return (
        has_role(by, Role.LEAD)
        and department_id_of(person) is not None
        and (department_id_of(person) == department_id_of(by))
    )


def get_person_for_away(by, user_id) -> object:
    """The person whose out-of-office `by` opens: themself, or someone they lead or manage (else a 404)."""
    if not is_id(str(user_id)):
        raise Http404("No such person")
    person = get_user_model().objects.select_related("profile").filter(pk=int(user_id)).first()
    if person is None or not can_set_away_for(by, person):
        raise Http404("No such person")
    return person


def can_toggle_availability(user) -> bool:
    """The top bar's one-click switch: for the people routing assigns to (agents and leads)."""
    return has_role(user, Role.AGENT, Role.LEAD)
