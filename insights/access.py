"""Who sees which satisfaction figures.

- Admins (the admin group or a superuser) see every department.
- Managers see the departments they manage (Department.manager), plus any they lead.
- Leads see the department(s) they lead (Department.lead).
- Agents do not see the dashboard (403); everyone on staff sees their own "My feedback".

A manager or lead with no department assigned sees an empty dashboard with a note, never everything:
widening access must be a deliberate change of Department.manager/lead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from tickets.access import has_role, is_lead_or_above, is_staff_member
from tickets.models import Department, Role


@dataclass(frozen=True)
class Scope:
    """The surveys a viewer may count: all of them (department_ids None) or those of some departments."""

    department_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.department_ids is None

    @property
    def empty(self) -> bool:
        return self.department_ids is not None and not self.department_ids

    def survey_q(self, prefix: str = "") -> Q:
        if self.department_ids is None:
            return Q()
        return Q(**{f"{prefix}department_id__in": sorted(self.department_ids)})

    def allows_department(self, department_id: int | None) -> bool:
        return self.department_ids is None or department_id in self.department_ids


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMIN))


def can_see_dashboard(user) -> bool:
    return is_lead_or_above(user)


def can_have_own_page(user) -> bool:
    return is_staff_member(user)


def dashboard_scope(user) -> Scope:
    """The departments whose surveys this user's dashboard and report API count."""
    if not can_see_dashboard(user):
        raise PermissionDenied
    if is_admin(user):
        return Scope(None)
    condition = Q(lead=user)
    if has_role(user, Role.MANAGER):
        condition |= Q(manager=user)
    return Scope(frozenset(Department.objects.filter(condition).values_list("id", flat=True)))


def visible_departments(scope: Scope):
    qs = Department.objects.order_by("name")
    return qs if scope.everything else qs.filter(id__in=sorted(scope.department_ids))


def require_own_page(user) -> None:
    if not can_have_own_page(user):
        raise PermissionDenied
