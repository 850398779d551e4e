"""What the knowledge base adds to the ticket page and the menu, through tickets.hooks."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tickets.access import is_lead_or_above, is_staff_member


def composer_panel(request, ticket) -> dict | None:
    """A search over the articles, in the customer's language, whose links go into the reply."""
    if not is_staff_member(request.user):
        return None
    return {
        "template": "kb/_composer_panel.html",
        "context": {"kb_search_url": reverse("kb:composer_search", args=[ticket.pk]), "kb_ticket": ticket},
        "order": 30,
    }


def nav(request) -> list[dict]:
    items = [{"label": _("Help centre"), "url": reverse("kb:help"), "group": "team"}]
    if is_lead_or_above(request.user):
        items.append({"label": _("Articles report"), "url": reverse("kb:report"), "group": "reports"})
    return items
