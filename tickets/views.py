"""The agent's workbench (placeholder pages until the workbench lands)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tickets import access


@login_required
def inbox(request):
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    tickets = access.visible_tickets(request.user).select_related("customer", "queue", "assignee")[:25]
    return render(request, "tickets/inbox.html", {"tickets": tickets})


@login_required
def ticket_detail(request, pk: int):
    ticket = access.get_ticket_for_user(request.user, pk)
    return render(request, "tickets/detail.html", {"ticket": ticket})


def public_form(request):
    return render(request, "tickets/public_form.html", {})
