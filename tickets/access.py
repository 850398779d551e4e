"""Who may see and do what. Every HTML view and API permission class asks these predicates.

Roles are Django groups (agent, lead, manager, admin). Agents and leads see the tickets of their
own department's queues and any ticket assigned to them; managers and admins see every ticket.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from tickets.models import Queue, Role, Ticket

STAFF_ROLES = (Role.AGENT, Role.LEAD, Role.MANAGER, Role.ADMIN)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_latitude_roles", None)
    if cached is None:
        from django.contrib.auth.models import Group, User

        from helpdesk import refdata

        names = refdata.cached(
            f"roles:{user.pk}", [User, Group], lambda: list(user.groups.values_list("name", flat=True))
        )
        cached = set(names)
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._latitude_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_staff_member(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def is_lead_or_above(user) -> bool:
    return has_role(user, Role.LEAD, Role.MANAGER, Role.ADMIN)


def is_manager_or_above(user) -> bool:
    return has_role(user, Role.MANAGER, Role.ADMIN)


def department_id_of(user) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.department_id if profile else None


def visible_tickets(user) -> QuerySet[Ticket]:
    """The tickets this user may open: the base of every ticket list and lookup."""
    qs = Ticket.objects.all()
    if is_manager_or_above(user):
        return qs
    if not is_staff_member(user):
        return qs.none()
    department_id = department_id_of(user)
    # Queue ids rather than a join on queue: the planner then answers from ticket_visibility_idx.
    department_queues = Queue.objects.filter(department_id=department_id).values("id")
    # Not the internal requests one asked of another department: their requester follows them on
    # the request's own page (public thread and status only), not in lists, the API or bulk changes.
    return qs.filter(Q(queue_id__in=department_queues) | Q(assignee=user))


def can_view_ticket(user, ticket: Ticket) -> bool:
    """The whole ticket: its internal notes, history and every change."""
    if is_manager_or_above(user):
        return True
    if not is_staff_member(user):
        return False
    return ticket.queue.department_id == department_id_of(user) or ticket.assignee_id == user.id


def is_requester(user, ticket: Ticket) -> bool:
    """The colleague who asked another department for this (an internal request)."""
    return ticket.requested_by_id is not None and ticket.requested_by_id == user.id and is_staff_member(user)


def get_request_for_requester(user, pk: int) -> Ticket:
    """An internal request, for the colleague who asked for it and cannot otherwise see it: they read its
    public thread and status only (never the other department's internal notes), and change nothing."""
    ticket = get_object_or_404(Ticket.objects.select_related("queue__department", "assignee"), pk=pk)
    if not is_requester(user, ticket):
        raise Http404("No such ticket")
    return ticket


def can_edit_ticket(user, ticket: Ticket) -> bool:
    return can_view_ticket(user, ticket)


def get_ticket_for_user(user, pk: int, *, for_update: bool = False) -> Ticket:
    """Fetch a ticket and check the user may see it; a ticket one may not see does not exist (404)."""
    qs = Ticket.objects.select_related("queue__department", "customer", "assignee")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    ticket = get_object_or_404(qs, pk=pk)
    if not can_view_ticket(user, ticket):
        raise Http404("No such ticket")
    return ticket


def get_customer_for_user(user, pk: int):
    """A customer is visible to managers, and to staff who can see at least one of their tickets."""
    from tickets.models import Customer

    customer = get_object_or_404(Customer, pk=pk)
    if is_manager_or_above(user):
        return customer
    if not visible_tickets(user).filter(customer=customer).exists():
        raise Http404("No such customer")
    return customer


def get_attachment_for_user(user, pk: int):
    """Attachments are served only to people who may see their ticket; others get a 404."""
    from tickets.models import Attachment

    attachment = get_object_or_404(Attachment.objects.select_related("message__ticket__queue"), pk=pk)
    ticket = attachment.message.ticket
    if can_view_ticket(user, ticket):
        return attachment
    if attachment.message.kind == "note" or not is_requester(user, ticket):
        raise Http404("No such attachment")
    return attachment


def staff_required(view):
    """For HTML views: anonymous visitors go to the login page; signed-in people without a staff role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.required_roles = STAFF_ROLES  # read by the permission matrix (helpdesk/tests/test_permission_matrix.py)
    return wrapper


def role_required(*roles: str):
    """For HTML views: anonymous visitors go to the login page; signed-in people without one of `roles` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = tuple(roles)  # read by the permission matrix
        return wrapper

    return decorator


def can_be_assigned(assignee, ticket: Ticket) -> bool:
    """The one assignment rule (page, API, bulk, automations): an active member of the staff of the
    ticket's department (its queue's), or that department's manager."""
    if assignee is None:
        return True
    if not assignee.is_active or not is_staff_member(assignee):
        return False
    department = ticket.queue.department
    return department_id_of(assignee) == department.pk or department.manager_id == assignee.pk
