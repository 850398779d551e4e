"""What feedback hangs on the ticket app's hooks: survey on solve, cancel on reopen, a panel, a menu entry."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from feedback import access, selectors, services
from feedback.models import Trigger
from tickets.access import can_view_ticket


def on_ticket_solved(sender, ticket, by=None, **kwargs) -> None:
    services.schedule_survey(ticket=ticket, by=by, trigger=Trigger.SOLVED)


def on_ticket_closed(sender, ticket, by=None, **kwargs) -> None:
    services.schedule_survey(ticket=ticket, by=by, trigger=Trigger.CLOSED)


def on_ticket_reopened(sender, ticket, by=None, **kwargs) -> None:
    services.cancel_pending_surveys(ticket=ticket, by=by)


def survey_panel(request, ticket) -> dict | None:
    """The latest survey of the ticket, on its page (for whoever may see the ticket)."""
    if not can_view_ticket(request.user, ticket):
        return None
    survey = selectors.latest_survey_of_ticket(ticket)
    if survey is None:
        return None
    return {"template": "feedback/_ticket_panel.html", "context": {"survey": survey}, "order": 40}


def feedback_nav(request) -> list[dict]:
    user = request.user
    if not access.can_have_feedback_page(user):
        return []
    unread = selectors.unread_notices(user).count()
    label = _("My feedback") + (f" ({unread})" if unread else "")
    items = [{"label": label, "url": reverse("feedback:mine")}]
    if access.can_list_surveys(user):
        items.append({"label": _("Surveys"), "url": reverse("feedback:list")})
    return items
