"""DRF permission classes: thin wrappers over the predicates in tickets.access, so the API and the
HTML pages decide the same way."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from tickets import access


class IsStaffMember(BasePermission):
    """Agents, leads, managers and admins; anyone else signed in gets 403, anonymous 401."""

    message = "Only support staff may use the ticket API."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and access.is_staff_member(request.user))


class CanViewTicket(IsStaffMember):
    """Object level: a ticket the user may not see is reported as missing (404) by the view's lookup;
    this check is the second line for views that fetch objects another way."""

    def has_object_permission(self, request, view, obj) -> bool:
        return access.can_view_ticket(request.user, obj)


class IsManagerOrAbove(IsStaffMember):
    """Managers and admins; other staff get 403."""

    message = "Only managers and admins may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and access.is_manager_or_above(request.user))


class IsAdmin(IsStaffMember):
    """Admins only."""

    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and access.has_role(request.user, "admin"))
