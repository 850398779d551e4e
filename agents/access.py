"""Fetch-and-check for off-script actions: one place that decides who sees and who decides what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from agents import selectors
from agents.models import OffscriptAction
from tickets.access import is_lead_or_above, is_staff_member


def can_record_on(user, ticket) -> bool:
    from tickets.access import can_edit_ticket

    return is_staff_member(user) and can_edit_ticket(user, ticket)


def can_see_audit(user) -> bool:
    return is_lead_or_above(user)


def can_use_approvals(user) -> bool:
    """Leads and managers, and anyone standing in for an approver right now."""
    return is_lead_or_above(user) or (is_staff_member(user) and selectors.active_delegations_to(user).exists())


def get_action_for_user(user, pk: int) -> OffscriptAction:
    """An action the user may see; one they may not see does not exist (404)."""
    if not is_staff_member(user):
        raise Http404("No such action")
    qs = selectors.actions_with_relations(selectors.visible_actions(user) | selectors.approvable_actions(user))
    action = qs.filter(pk=pk).first()
    if action is None:
        raise Http404("No such action")
    return action


def check_staff(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied
