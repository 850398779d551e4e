"""Outbound replies: an agent's public reply becomes an e-mail to the customer, threaded in their mail client.

Registered on `tickets.hooks.public_reply_created` (MailroomConfig.ready). The OutboundEmail row is
written in the reply's own transaction (so a reply and its mail exist together or not at all); the
sending is queued by `queue_email` after commit, retried with back-off, never sent twice.
"""

from __future__ import annotations

from email.utils import formataddr, getaddresses, parseaddr

from django.conf import settings
from django.utils.html import linebreaks

from mailroom.models import InboundEmail, InboundStatus, OutboundEmail, OutboundKind
from mailroom.rendering import render_email
from mailroom.services import queue_email
from tickets.models import Channel, Message, MessageKind, Ticket

MAX_REFERENCES = 20


def thread_message_ids(ticket: Ticket, *, before: Message) -> list[str]:
    """Message-IDs of the e-mails in this ticket's thread so far, oldest first."""
    entries: list[tuple] = []
    for created_at, mid in (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER, pk__lt=before.pk)
        .exclude(email_message_id="")
        .values_list("created_at", "email_message_id")
    ):
        entries.append((created_at, mid))
    for created_at, mid in (
        OutboundEmail.objects.filter(ticket=ticket, kind=OutboundKind.REPLY)
        .exclude(ticket_message=before)
        .values_list("created_at", "message_id")
    ):
        entries.append((created_at, mid))
    entries.sort(key=lambda e: e[0])
    return list(dict.fromkeys(mid for _t, mid in entries))


def _references(ids: list[str]) -> list[str]:
    # RFC 5322 practice: keep the thread's root and the most recent ones when the list grows long.
    if len(ids) <= MAX_REFERENCES:
        return ids
    return ids[:1] + ids[-(MAX_REFERENCES - 1) :]


def _sender(ticket: Ticket) -> str:
    if ticket.queue.email_address:
        default_name = parseaddr(settings.DEFAULT_FROM_EMAIL)[0]
        return formataddr((default_name or ticket.queue.name, ticket.queue.email_address))
    return settings.DEFAULT_FROM_EMAIL


def _copied(ticket: Ticket, message: Message) -> list[str]:
    """The reply's CC list plus the people the customer copied on their last e-mail, minus ourselves.

    Only the customer's own e-mails count: someone else copied on the thread (or a stranger who got
    a message in) cannot add addresses that will receive the agent's next reply."""
    ours = {
        a.lower()
        for a in ticket.queue.__class__.objects.exclude(email_address="").values_list("email_address", flat=True)
    }
    ours.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    ours.add(ticket.customer.email.lower())
    last = (
        InboundEmail.objects.filter(
            ticket=ticket,
            from_email__iexact=ticket.customer.email,
            status__in=[InboundStatus.CREATED, InboundStatus.APPENDED],
        )
        .order_by("-received_at", "-id")
        .values_list("cc", flat=True)
        .first()
    )
    found = [a.lower() for _n, a in getaddresses([message.cc or "", last or ""]) if "@" in a]
    return [a for a in dict.fromkeys(found) if a not in ours]


def subject_for(ticket: Ticket) -> str:
    subject = ticket.subject.strip()
    while subject.lower().startswith(("re:", "aw:", "sv:", "ref:", "απ:", "odg:")):
        subject = subject.split(":", 1)[1].strip()
    return subject


def queue_reply_email(*, message: Message) -> OutboundEmail | None:
    """E-mail an agent's public reply to the ticket's customer (and CCs) from the queue's address."""
    if message.kind != MessageKind.REPLY:
        return None
    ticket = Ticket.objects.select_related("customer", "queue").get(pk=message.ticket_id)
    customer = ticket.customer
    language = customer.language or ticket.language or settings.LANGUAGE_CODE
    ids = thread_message_ids(ticket, before=message)
    agent = message.author
    context = {
        "ticket": ticket,
        "reference": ticket.reference,
        "subject": subject_for(ticket),
        "customer": customer,
        "customer_name": customer.display_name,
        "message": message,
        "body_text": message.body,
        "body_html": message.body_html or linebreaks(message.body, autoescape=True),
        "agent_name": (agent.get_full_name() or agent.get_username()) if agent else "",
        "queue": ticket.queue,
        "site_url": settings.SITE_URL,
    }
    subject, text, html = render_email("reply", context, language=language, queue=ticket.queue)
    headers = {"X-Latitude-Ticket": ticket.reference, "X-Auto-Response-Suppress": "OOF, AutoReply"}
    if ids:
        headers["In-Reply-To"] = ids[-1]
        headers["References"] = " ".join(_references(ids))
    return queue_email(
        kind=OutboundKind.REPLY,
        to=[customer.email],
        cc=_copied(ticket, message),
        from_email=_sender(ticket),
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        language=language,
        ticket=ticket,
        ticket_message=message,
    )


def on_public_reply_created(sender, message: Message, **kwargs) -> None:
    """Receiver for tickets.hooks.public_reply_created (runs inside the reply's transaction)."""
    queue_reply_email(message=message)


# A customer's own first contact: the contact form, or an e-mail that opened a ticket. Automatic mail
# (auto-replies, bounces, lists) never opens a ticket (mailroom.parsing.automated_reason), so it is
# never acknowledged either; tickets opened by staff, the API or internal requests are not first contact.
FIRST_CONTACT_CHANNELS = (Channel.WEB, Channel.EMAIL)


def queue_acknowledgement(*, ticket: Ticket) -> OutboundEmail:
    """Tell the customer their request arrived, with its reference, in their language (RFC 3834 auto-reply)."""
    ticket = Ticket.objects.select_related("customer", "queue").get(pk=ticket.pk)
    customer = ticket.customer
    language = customer.language or ticket.language or settings.LANGUAGE_CODE
    first = ticket.messages.order_by("id").first()
    context = {
        "ticket": ticket,
        "reference": ticket.reference,
        "subject": subject_for(ticket),
        "customer": customer,
        "customer_name": customer.display_name,
        "queue": ticket.queue,
        "site_url": settings.SITE_URL,
    }
    subject, text, html = render_email("acknowledgement", context, language=language, queue=ticket.queue)
    headers = {
        "X-Latitude-Ticket": ticket.reference,
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if first is not None and first.email_message_id:
        headers["In-Reply-To"] = first.email_message_id
        headers["References"] = first.email_message_id
    return queue_email(
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to=[customer.email],
        from_email=_sender(ticket),
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        language=language,
        ticket=ticket,
    )


def on_ticket_created(sender, ticket: Ticket, by=None, **kwargs) -> None:
    """Receiver for tickets.hooks.ticket_created: acknowledge a customer's first contact."""
    if by is None and ticket.channel in FIRST_CONTACT_CHANNELS:
        queue_acknowledgement(ticket=ticket)
