"""What recognition hangs on earlier apps: internal-survey on solve, its ticket panels and menu entry,
and its notice kinds (rendered in the viewer's language from the notice's raw params)."""

from __future__ import annotations

from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext_lazy

from helpdesk.registration import register
from notices import kinds
from notices.models import Notice


def _render(text):
    def render(notice: Notice) -> str:
        try:
            return str(text) % notice.params  # a lazy translation: the viewer's language
        except (KeyError, TypeError, ValueError):
            return str(text)

    return render


def _url(name: str, param: str | None = None):
    def url(notice: Notice) -> str:
        if param is None:
            return reverse(name)
        value = notice.params.get(param)
        return reverse(name, args=[value]) if value else ""

    return url


def render_legacy(notice: Notice) -> str:
    return notice.params.get("text", "")


def legacy_url(notice: Notice) -> str:
    return notice.params.get("url", "")


KINDS = [
    (
        "kudos.received",
        gettext_lazy("Kudos you received"),
        gettext_lazy("%(giver)s gave you kudos: %(message)s"),
        _url("recognition:kudos", "kudos"),
    ),
    (
        "kudos.comment",
        gettext_lazy("Comments on your kudos"),
        gettext_lazy("%(who)s commented: %(body)s"),
        _url("recognition:kudos", "kudos"),
    ),
    (
        "internal.rate",
        gettext_lazy("Your internal request is solved"),
        gettext_lazy("%(ref)s is solved: how did %(dept)s serve you?"),
        _url("recognition:internal_rate", "ticket"),
    ),
    (
        "review.ready",
        gettext_lazy("Your quarterly review is ready"),
        gettext_lazy("Your review for %(q)s is ready: tell us how the quarter went."),
        _url("recognition:reviews"),
    ),
    (
        "review.notes",
        gettext_lazy("Your lead wrote your review"),
        gettext_lazy("%(who)s added notes and goals to your %(q)s review."),
        _url("recognition:review", "review"),
    ),
    (
        "review.signed",
        gettext_lazy("A review you wrote was signed"),
        gettext_lazy("%(who)s signed their %(q)s review."),
        _url("recognition:review", "review"),
    ),
]


def install() -> None:
    from insights import hooks as insights_hooks
    from notices import acks
    from recognition import panels, selectors, services
    from recognition.models import Announcement
    from tickets import hooks

    acks.register(
        Announcement,
        required_of=selectors.required_announcements,
        audience=selectors.announcement_audience_of,
        url=lambda announcement: reverse("recognition:announcement", args=[announcement.pk]),
    )
    hooks.ticket_solved.connect(services.on_ticket_solved, dispatch_uid="recognition.internal_survey")
    register(hooks.ticket_panels, panels.internal_requests_panel, panels.internal_request_panel)
    register(hooks.nav_items, panels.nav)
    register(insights_hooks.received_recognition, selectors.kudos_received_between)
    register(hooks.badge_queries, panels.badge_queries)
    for code, label, text, url in KINDS:
        kinds.register(code, label=label, render=_render(text), url=url)
    kinds.register(
        "recognition.legacy", label=gettext_lazy("Colleagues (earlier notices)"), render=render_legacy, url=legacy_url
    )


# Sent once a kudos has committed (kudos=...): webhooks connect here; recognition never imports them.
kudos_given = Signal()
