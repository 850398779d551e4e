"""What webhooks hangs on the earlier apps: the ticket event stream (after commit), kudos, and a notice kind."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.ids import is_id
from notices import kinds
from tickets import events
from tickets.models import TicketEvent


def on_ticket_event(event: TicketEvent) -> None:
    from webhooks import payloads, services

    for name, data in payloads.from_ticket_event(event):
        services.emit(event=name, data=data, created_at=event.created_at)


def on_ticket_events(ticket_events: list[TicketEvent]) -> None:
    """The batch form (tickets.events.record_many, e.g. a bulk change): the same deliveries as per event,
    the tickets' assignees, customers and messages read in one query each, the delivery rows in one INSERT."""
    from django.db.models import prefetch_related_objects

    from tickets.models import Message
    from webhooks import payloads, services

    tickets = list({id(e.ticket): e.ticket for e in ticket_events}.values())
    prefetch_related_objects(tickets, "assignee", "customer")
    ids = [e.data["message"] for e in ticket_events if e.kind in payloads.MESSAGE_KINDS and e.data.get("message")]
    messages = Message.objects.select_related("author").in_bulk(ids) if ids else {}
    services.emit_many(
        [
            (name, data, event.created_at)
            for event in ticket_events
            for name, data in payloads.from_ticket_event(event, messages)
        ]
    )


on_ticket_event.many = on_ticket_events


def on_kudos_given(sender, kudos, **kwargs) -> None:
    from recognition.models import Visibility
    from webhooks import payloads, services
    from webhooks.models import EventType

    if kudos.visibility != Visibility.EVERYONE:  # private thanks stay inside Latitude
        return
    services.emit(event=EventType.KUDOS_GIVEN, data=payloads.kudos_data(kudos), created_at=kudos.created_at)


def render_disabled(notice) -> str:
    return _("The webhook to %(url)s was switched off after %(n)s failed deliveries in a row.") % {
        "url": notice.params.get("url", ""),
        "n": notice.params.get("failures", ""),
    }


def url_disabled(notice) -> str:
    _label, _sep, pk = notice.target.partition(":")
    return reverse("webhooks:detail", args=[int(pk)]) if is_id(pk) else reverse("webhooks:list")


def register() -> None:
    from recognition import hooks as recognition_hooks
    from webhooks.services import NOTICE_DISABLED

    events.subscribe(on_ticket_event)
    recognition_hooks.kudos_given.connect(on_kudos_given, dispatch_uid="webhooks.kudos_given")
    kinds.register(
        NOTICE_DISABLED,
        label=gettext_lazy("Webhook switched off"),
        render=render_disabled,
        url=url_disabled,
        email_default=True,
    )
