"""Saved views: an inbox filter combination (custom fields included) with a sort, kept by its owner or
shared with a department. Who may edit: the owner; for a shared view also the leads and managers of
that department (and admins)."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from tickets import access
from tickets.models import Department, Role, SavedView

# The inbox parameters a view keeps; `field.<key>` too. Anything else in a query string is dropped.
QUERY_KEYS = ("view", "status", "priority", "queue", "assignee", "tag", "q", "sort")
QUERY_VALUE_MAX = 200
QUERY_PARAMS_MAX = 30
NAME_MAX = 100
# Enough for a sidebar; more would be a list nobody reads (and a longer aggregate per page).
VIEWS_PER_OWNER_MAX = 50


def clean_query(params: Mapping[str, str]) -> dict[str, str]:
    """The inbox parameters worth keeping from a query string (a QueryDict or a dict), empty ones dropped."""
    clean: dict[str, str] = {}
    for name in params:
        value = params.get(name)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if not value or (name not in QUERY_KEYS and not (name.startswith("field.") and len(name) > 6)):
            continue
        clean[name[:60]] = value[:QUERY_VALUE_MAX]
        if len(clean) >= QUERY_PARAMS_MAX:
            break
    return clean


def _leads_department(user: User, department_id: int | None) -> bool:
    """A lead or manager of this department: named on it, or a lead/manager who belongs to it."""
    if department_id is None:
        return False
    if access.has_role(user, Role.ADMIN):
        return True
    if not access.is_lead_or_above(user):
        return False
    if access.department_id_of(user) == department_id:
        return True
    return Department.objects.filter(pk=department_id).filter(Q(lead=user) | Q(manager=user)).exists()


def can_edit_view(user: User, view: SavedView) -> bool:
    """The owner may; a view shared with a department also its leads and managers."""
    return view.owner_id == user.pk or _leads_department(user, view.department_id)


def shareable_departments(user: User) -> QuerySet[Department]:
    """Where this user may share a view: their own department, and any they lead or manage (admins: all)."""
    if access.has_role(user, Role.ADMIN):
        return Department.objects.all()
    return Department.objects.filter(Q(pk=access.department_id_of(user)) | Q(lead=user) | Q(manager=user)).distinct()


def _clean(*, by: User, name: str, department: Department | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the view a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("A view's name has at most %(n)s characters.") % {"n": NAME_MAX}, field="name")
    if department is not None and not shareable_departments(by).filter(pk=department.pk).exists():
        raise DomainError(_("You cannot share a view with that department."), field="department")
    return name


@transaction.atomic
def save_view(*, by: User, name: str, query: Mapping[str, str], department: Department | None = None) -> SavedView:
    """Keep the inbox's current filters and sort under a name, for oneself or shared with a department."""
    name = _clean(by=by, name=name, department=department)
    if SavedView.objects.filter(owner=by).count() >= VIEWS_PER_OWNER_MAX:
        raise DomainError(_("You have %(n)s saved views already; delete one first.") % {"n": VIEWS_PER_OWNER_MAX})
    return SavedView.objects.create(name=name, owner=by, department=department, query=clean_query(query))


@transaction.atomic
def update_view(
    *, view: SavedView, by: User, name: str, department: Department | None, query: Mapping[str, str] | None = None
) -> SavedView:
    """Rename a view, share or unshare it, or replace its filters (None keeps them)."""
    if not can_edit_view(by, view):
        raise DomainError(_("Only its owner or a lead of its department may change this view."), code="forbidden")
    if department is not None and department.pk == view.department_id:
        # Keeping the department it is already shared with is always allowed (a lead editing it).
        view.name = _clean(by=by, name=name, department=None)
    else:
        view.name = _clean(by=by, name=name, department=department)
    if department is None and view.department_id and view.owner_id != by.pk:
        raise DomainError(_("Only the owner may make a shared view personal again."), field="department")
    view.department = department
    if query is not None:
        view.query = clean_query(query)
    view.save(update_fields=["name", "department", "query"])
    return view


@transaction.atomic
def delete_view(*, view: SavedView, by: User) -> None:
    """Remove a view for everyone it was shared with."""
    if not can_edit_view(by, view):
        raise DomainError(_("Only its owner or a lead of its department may delete this view."), code="forbidden")
    view.delete()
