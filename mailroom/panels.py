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
    return [
        {"label": _("Outbox"), "url": reverse("mailroom:outbox"), "group": "admin"},
        {"label": _("Ignored mail"), "url": reverse("mailroom:ignored"), "group": "admin"},
        {"label": _("Mail quarantine"), "url": reverse("mailroom:quarantine"), "group": "admin"},
    ]


def thread_with_email(thread):
    """Join each thread message's e-mail (one query for the whole thread), leaving the raw source behind."""
    return thread.select_related("inbound_email").defer("inbound_email__raw", "inbound_email__body_text")


def render_message_body(message):
    """A message as the ticket page shows it: quoted history and signature folded but kept."""
    from django.template.loader import render_to_string

    from mailroom.templatetags.mailroom import email_body

    return render_to_string("mailroom/_email_body.html", email_body(message))
