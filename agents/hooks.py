"""What agents hangs on earlier apps: the close guard, its ticket panel and menu entry, history labels,
and its notice kinds (rendered in the viewer's language from the notice's raw params)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.registration import register
from notices import kinds
from notices.kinds import EmailCopy
from notices.models import Notice


def _legacy(notice: Notice) -> str | None:
    # Notices migrated from agents.Notification kept only their text.
    return notice.params.get("text")


def render_approval(notice: Notice) -> str:
    p = notice.params
    if _legacy(notice):
        return _legacy(notice)
    values = {"agent": p.get("who", ""), "who": p.get("who", ""), "kind": p.get("kind", ""),
              "amount": p.get("amount", ""), "ref": p.get("ref", "")}  # fmt: skip
    if p.get("why") == "escalated":
        since = p.get("since")
        values["since"] = (
            timezone.localtime(dt.datetime.fromisoformat(since)).strftime("%Y-%m-%d %H:%M") if since else ""
        )
        return _("Escalated to you: %(kind)s %(amount)s on %(ref)s, undecided since %(since)s") % values
    if p.get("why") == "delegated":
        return _("%(who)s is away: please decide %(kind)s %(amount)s on %(ref)s") % values
    return _("%(agent)s asks to approve %(kind)s %(amount)s on %(ref)s") % values


def render_decided(notice: Notice) -> str:
    from agents.models import ActionStatus

    p = notice.params
    if _legacy(notice):
        return _legacy(notice)
    verb = _("approved") if p.get("status") == ActionStatus.APPROVED else _("rejected")
    return _("%(who)s %(verb)s your %(kind)s %(amount)s on %(ref)s") % {
        "who": p.get("who", ""),
        "verb": verb,
        "kind": p.get("kind", ""),
        "amount": p.get("amount", ""),
        "ref": p.get("ref", ""),
    }


def approvals_url(notice: Notice) -> str:
    return reverse("agents:approvals")


def decided_url(notice: Notice) -> str:
    ticket = notice.params.get("ticket")
    return reverse("tickets:detail", args=[ticket]) if ticket else reverse("agents:approvals")


def _email(template: str):
    def build(notice: Notice) -> EmailCopy:
        from agents.models import OffscriptAction

        action = OffscriptAction.objects.select_related("kind", "ticket", "agent").get(pk=notice.params["action"])
        return EmailCopy(
            template=template,
            context={
                "action": action,
                "ticket": action.ticket,
                "approvals_url": f"{settings.SITE_URL}{reverse('agents:approvals')}",
                "ticket_url": f"{settings.SITE_URL}{reverse('tickets:detail', args=[action.ticket_id])}",
            },
            ticket=action.ticket,
            mail_kind="offscript",
        )

    return build


def event_labels(event) -> tuple[str, str] | None:
    """Off-script history rows keep codes; these are their words."""
    from agents.models import ActionStatus
    from agents.services import OFFSCRIPT_ESCALATED, OFFSCRIPT_REQUESTED
    from tickets.models import EventKind

    if event.kind != EventKind.OFFSCRIPT:
        return None
    words = {
        OFFSCRIPT_REQUESTED: _("approval requested"),
        OFFSCRIPT_ESCALATED: _("escalated"),
        ActionStatus.APPROVED: _("approved"),
        ActionStatus.REJECTED: _("rejected"),
        ActionStatus.CANCELLED: _("withdrawn"),
    }
    return event.old_value, words.get(event.new_value, event.new_value)


def install() -> None:
    from agents import views
    from agents.selectors import pending_close_guard
    from tickets import hooks

    register(hooks.transition_guards, pending_close_guard)
    register(hooks.ticket_panels, views.discretion_panel)
    register(hooks.nav_items, views.nav_items)
    register(hooks.landing_pages, views.landing_page)
    register(hooks.badge_queries, views.badge_queries)
    register(hooks.event_labelers, event_labels)
    kinds.register(
        "offscript.approval",
        label=gettext_lazy("An off-script request waits for your decision"),
        render=render_approval,
        url=approvals_url,
        email_default=True,
        email=_email("offscript-approval-request"),
    )
    kinds.register(
        "offscript.decided",
        label=gettext_lazy("Your off-script request was decided"),
        render=render_decided,
        url=decided_url,
        email_default=True,
        email=_email("offscript-approval-decided"),
    )
