"""What feedback hangs on earlier apps: survey on solve, cancel on reopen, a panel, a menu entry, and its
notice kinds (a survey answered, a low rating) with the low rating's e-mail copy."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from agents.models import OffscriptAction
from feedback import access, selectors, services
from feedback.models import NoticeKind, Survey, Trigger
from helpdesk.registration import register
from notices import kinds
from notices.kinds import EmailCopy
from notices.models import Notice
from tickets.access import can_view_ticket
from tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent


def on_ticket_solved(sender, ticket, by=None, **kwargs) -> None:
    services.schedule_survey(ticket=ticket, by=by, trigger=Trigger.SOLVED)


def on_ticket_closed(sender, ticket, by=None, **kwargs) -> None:
    services.schedule_survey(ticket=ticket, by=by, trigger=Trigger.CLOSED)


def on_ticket_reopened(sender, ticket, by=None, **kwargs) -> None:
    services.cancel_pending_surveys(ticket=ticket, by=by)


def on_tickets_solved(sender, tickets, by=None, **kwargs) -> None:
    services.schedule_surveys(tickets=tickets, by=by, trigger=Trigger.SOLVED)


def on_tickets_closed(sender, tickets, by=None, **kwargs) -> None:
    services.schedule_surveys(tickets=tickets, by=by, trigger=Trigger.CLOSED)


def on_tickets_reopened(sender, tickets, by=None, **kwargs) -> None:
    services.cancel_pending_surveys_of(tickets=tickets, by=by)
    # A bulk change writes its history rows in one INSERT (no post_save for on_ticket_event): the
    # reopening marks the surveys of the solves before it here.
    services.refresh_report_fields(ticket_ids=[t.pk for t in tickets])


# The batch forms, for a bulk change solving, closing or reopening many tickets (tickets.hooks.send_each).
on_ticket_solved.many = on_tickets_solved
on_ticket_closed.many = on_tickets_closed
on_ticket_reopened.many = on_tickets_reopened


def on_ticket_saved(
    sender: type, instance: Ticket, created: bool = False, update_fields: frozenset[str] | None = None, **kwargs
) -> None:
    """post_save of a Ticket: only a save that may have written the channel can change its surveys' copy.
    The services save named fields (never the channel), so this costs nothing on their writes."""
    if created or (update_fields is not None and "channel" not in update_fields):
        return
    services.refresh_report_fields(ticket_ids=[instance.pk])


def on_offscript_action_changed(sender: type, instance: OffscriptAction, **kwargs) -> None:
    """post_save / post_delete of an off-script action: approved (or no longer) changes its ticket's surveys."""
    services.refresh_report_fields(ticket_ids=[instance.ticket_id])


def on_ticket_event(sender: type, instance: TicketEvent, created: bool = False, **kwargs) -> None:
    """post_save of a history row: a reopening marks the surveys of the solves before it."""
    if (
        created
        and instance.kind == EventKind.STATUS
        and instance.old_value == Status.SOLVED
        and instance.new_value in OPEN_STATUSES
    ):
        services.refresh_report_fields(ticket_ids=[instance.ticket_id])


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
    # Unread survey notices are counted in the menu's one notices badge (notices.context_processors).
    items = [{"label": _("My feedback"), "url": reverse("feedback:mine"), "group": "me"}]
    if access.can_list_surveys(user):
        items.append({"label": _("Surveys"), "url": reverse("feedback:list"), "group": "reports"})
    return items


def render_answer(notice: Notice) -> str:
    p = notice.params
    return _("A customer rated %(ref)s %(rating)s/5") % {"ref": p.get("ref", ""), "rating": p.get("rating", "")}


def render_low_rating(notice: Notice) -> str:
    p = notice.params
    return _("Low rating (%(rating)s/5) on %(ref)s") % {"ref": p.get("ref", ""), "rating": p.get("rating", "")}


def ticket_url(notice: Notice) -> str:
    ticket = notice.params.get("ticket")
    return reverse("tickets:detail", args=[ticket]) if ticket else reverse("feedback:mine")


def low_rating_email(notice: Notice) -> EmailCopy:
    survey = Survey.objects.select_related("ticket", "agent").get(pk=notice.params["survey"])
    return EmailCopy(
        template="survey-low-rating",
        context={
            "survey": survey,
            "ticket": survey.ticket,
            "lead": notice.user,
            "agent_name": survey.agent.get_full_name() if survey.agent else "",
            "ticket_url": f"{settings.SITE_URL}{reverse('tickets:detail', args=[survey.ticket_id])}",
        },
        ticket=survey.ticket,
    )


def install() -> None:
    from tickets import hooks

    hooks.ticket_solved.connect(on_ticket_solved, dispatch_uid="feedback.solved", weak=False)
    hooks.ticket_reopened.connect(on_ticket_reopened, dispatch_uid="feedback.reopened", weak=False)
    hooks.ticket_closed.connect(on_ticket_closed, dispatch_uid="feedback.closed", weak=False)
    register(hooks.ticket_panels, survey_panel)
    register(hooks.nav_items, feedback_nav)
    from django.db.models.signals import post_delete, post_save

    from feedback import freshness
    from feedback.models import Survey

    # Cached satisfaction reports recompute the days whose surveys change (feedback.freshness).
    post_save.connect(freshness.on_survey_saved, sender=Survey, dispatch_uid="feedback.freshness.save", weak=False)
    post_delete.connect(freshness.on_survey_saved, sender=Survey, dispatch_uid="feedback.freshness.delete", weak=False)
    # What a survey copies from its ticket for the reports stays equal to the ticket, inside each change.
    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="feedback.report_fields.ticket", weak=False)
    post_save.connect(on_ticket_event, sender=TicketEvent, dispatch_uid="feedback.report_fields.event", weak=False)
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            on_offscript_action_changed,
            sender=OffscriptAction,
            dispatch_uid=f"feedback.report_fields.offscript.{name}",
            weak=False,
        )
    kinds.register(NoticeKind.ANSWER, label=NoticeKind.ANSWER.label, render=render_answer, url=ticket_url)
    kinds.register(
        NoticeKind.LOW_RATING,
        label=NoticeKind.LOW_RATING.label,
        render=render_low_rating,
        url=ticket_url,
        email_default=True,
        email=low_rating_email,
    )
