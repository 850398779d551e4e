"""Who may see which surveys. Agents see their own; leads their department's; managers and admins all."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from feedback import selectors
from feedback.models import Survey
from tickets.access import department_id_of, is_lead_or_above, is_manager_or_above, is_staff_member


def can_list_surveys(user) -> bool:
    """The survey list and API: leads and managers (agents see only their own, on their page)."""
    return is_lead_or_above(user)


def can_have_feedback_page(user) -> bool:
    return is_staff_member(user)


def surveys_visible_to(user) -> QuerySet[Survey]:
    qs = selectors.surveys_for_listing()
    if is_manager_or_above(user):
        return qs
    if is_lead_or_above(user):
        return qs.filter(Q(department_id=department_id_of(user)) | Q(department__lead=user))
    if is_staff_member(user):
        return qs.filter(agent=user)
    return qs.none()
