"""What mailroom contributes to other apps' pages through tickets.hooks: the ticket's delivery panel, a menu entry."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from mailroom import selectors
from tickets.access import has_role
from tickets.models import Role


def delivery_panel(request, ticket) -> dict | None:
    """The ticket page's side panel: each e-mail sent for this ticket, with its delivery state."""
    outbound = selectors.outbound_for_ticket(ticket)
    if not outbound:
        return None
    return {"template": "mailroom/_delivery_panel.html", "context": {"outbound_emails": outbound}, "order": 50}


def nav(request) -> list[dict]:
    if not has_role(request.user, Role.ADMIN):
        return []
    return [{"label": _("Mail quarantine"), "url": reverse("mailroom:quarantine")}]
