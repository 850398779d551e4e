"""What recognition contributes to pages it does not own: ticket panels and navigation entries."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from recognition import selectors
from tickets.access import is_staff_member
from tickets.models import Channel
from tickets.selectors import badge_counts


def internal_requests_panel(request, ticket) -> dict | None:
    """On a customer's ticket: the internal requests opened from it and their status, and a way to ask."""
    if ticket.channel == Channel.INTERNAL or not is_staff_member(request.user):
        return None
    return {
        "template": "recognition/_panel_internal_requests.html",
        "context": {"ticket": ticket, "internal_requests": list(selectors.internal_requests_from(ticket))},
        "order": 60,
    }


def internal_request_panel(request, ticket) -> dict | None:
    """On an internal request: what it is for, and the requester's rating once it is solved."""
    if ticket.channel != Channel.INTERNAL or ticket.requested_by_id is None:
        return None
    survey = selectors.open_internal_survey(ticket)
    return {
        "template": "recognition/_panel_internal_request.html",
        "context": {
            "ticket": ticket,
            "survey": survey,
            "can_rate": survey is not None and survey.requester_id == request.user.id,
        },
        "order": 10,
        "for_requester": True,  # also on the requester's own view of the request (tickets.views)
    }


def badge_queries(user) -> dict:
    """tickets.hooks.badge_queries provider: announcements unread, or required and not acknowledged."""
    if not is_staff_member(user):
        return {}
    return {"recognition.announcements": selectors.unread_announcements(user)}


def nav(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated or not is_staff_member(user):
        return []
    unread = badge_counts(request).get("recognition.announcements")
    if unread is None:
        unread = selectors.unread_announcement_count(user)
    return [
        {"label": _("Colleagues"), "url": reverse("recognition:feed"), "group": "team"},
        {
            "label": _("Announcements"),
            "url": reverse("recognition:announcements"),
            "count": unread,
            "key": "announcements",
            "group": "team",
        },
    ]
