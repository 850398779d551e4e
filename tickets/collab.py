"""Working on a ticket together: followers (a notice on every customer reply) and @mentions in notes.

Notice kinds are registered here (from TicketsConfig.ready) and written through `notices.services.notify`.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices import kinds
from notices.services import notify
from tickets import access
from tickets.models import Message, Ticket

KIND_CUSTOMER_REPLY = "ticket.customer_reply"
KIND_MENTION = "ticket.mention"
# @username: letters, digits and Django's username punctuation; an e-mail address is not a mention.
MENTION_RE = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})", re.UNICODE)
MAX_MENTIONS = 20


def _ticket_url(notice) -> str:
    ticket_id = notice.params.get("ticket")
    if not ticket_id:
        return ""
    anchor = f"#message-{notice.params['message']}" if notice.params.get("message") else ""
    return reverse("tickets:detail", args=[ticket_id]) + anchor


def _render_customer_reply(notice) -> str:
    return _("The customer wrote again on %(ref)s “%(subject)s”.") % {
        "ref": notice.params.get("reference", ""),
        "subject": notice.params.get("subject", ""),
    }


def _render_mention(notice) -> str:
    return _("%(name)s mentioned you in a note on %(ref)s “%(subject)s”.") % {
        "name": notice.params.get("by", ""),
        "ref": notice.params.get("reference", ""),
        "subject": notice.params.get("subject", ""),
    }


def register() -> None:
    kinds.register(
        KIND_CUSTOMER_REPLY,
        label=gettext_lazy("A customer replied on a ticket you follow"),
        render=_render_customer_reply,
        url=_ticket_url,
    )
    kinds.register(
        KIND_MENTION,
        label=gettext_lazy("Someone mentioned you in a note"),
        render=_render_mention,
        url=_ticket_url,
        email_default=True,
    )


def _params(ticket: Ticket, message: Message) -> dict:
    return {"ticket": ticket.pk, "reference": ticket.reference, "subject": ticket.subject[:200], "message": message.pk}


@transaction.atomic
def follow(*, ticket: Ticket, user) -> None:
    """A staff member who may see the ticket follows it: a notice on every customer reply."""
    ticket.followers.add(user)


@transaction.atomic
def unfollow(*, ticket: Ticket, user) -> None:
    ticket.followers.remove(user)


def notify_followers(*, message: Message) -> int:
    """The customer wrote: every follower who may still see the ticket gets a notice."""
    ticket = message.ticket
    sent = 0
    for user in ticket.followers.filter(is_active=True):
        if access.can_view_ticket(user, ticket):
            notify(user=user, kind=KIND_CUSTOMER_REPLY, target=ticket, params=_params(ticket, message))
            sent += 1
    return sent


def mentioned_usernames(text: str) -> list[str]:
    seen: list[str] = []
    for name in MENTION_RE.findall(text or ""):
        name = name.rstrip(".")
        if name and name.lower() not in (n.lower() for n in seen):
            seen.append(name)
    return seen[:MAX_MENTIONS]


def notify_mentions(*, message: Message, by) -> list:
    """Colleagues @mentioned in an internal note, who may see the ticket, get a notice (not the writer)."""
    names = mentioned_usernames(message.body)
    if not names:
        return []
    ticket = message.ticket
    User = get_user_model()
    people = User.objects.filter(is_active=True, username__in=names).exclude(pk=getattr(by, "pk", None))
    by_name = (by.get_full_name() or by.get_username()) if by else ""
    notified = []
    for user in people:
        if access.can_view_ticket(user, ticket):
            notify(user=user, kind=KIND_MENTION, target=ticket, params={**_params(ticket, message), "by": by_name})
            notified.append(user)
    return notified
