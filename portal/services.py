"""Writes of the customer portal: sign-in links, and what a signed-in customer does on a ticket.

A sign-in link's token is an HMAC of the link's id and a random nonce under SECRET_KEY. The mail row
(mailroom.OutboundEmail) holds only a placeholder; `render_sign_in_link` puts the real address into
the message as it is sent, so the token is in no database row, and the link row keeps its hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from mailroom.rendering import render_email
from mailroom.services import queue_email
from portal.models import SignInLink
from tickets import services as ticket_services
from tickets.models import Channel, Customer, Message, Status, Ticket

if TYPE_CHECKING:
    from mailroom.models import OutboundEmail

PLACEHOLDER = "[[latitude-portal-sign-in-{pk}]]"
PLACEHOLDER_RE = re.compile(r"\[\[latitude-portal-sign-in-(\d+)\]\]")


class LinkInvalid(DomainError):
    """Unknown, used or expired: one error for all three, so a link says nothing about why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(link: SignInLink) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"latitude.portal.sign-in:{link.pk}:{link.nonce}".encode(), hashlib.sha256
    ).hexdigest()
    return digest


def sign_in_url(token: str) -> str:
    return f"{settings.SITE_URL}/portal/sign-in/{token}/"


def find_customer(email: str) -> Customer | None:
    email = (email or "").strip()
    if not email:
        return None
    return Customer.objects.filter(email__iexact=email).first()


@transaction.atomic
def request_sign_in_link(*, email: str) -> SignInLink | None:
    """E-mail a sign-in link to a known customer; an unknown address gets nothing (and the caller
    answers the same either way)."""
    customer = find_customer(email)
    if customer is None:
        return None
    now = timezone.now()
    link = SignInLink.objects.create(
        customer=customer,
        nonce=secrets.token_hex(16),
        expires_at=now + dt.timedelta(minutes=settings.PORTAL_LINK_MINUTES),
        created_at=now,
    )
    link.token_hash = hash_token(link_token(link))
    context = {
        "customer": customer,
        "sign_in_url": PLACEHOLDER.format(pk=link.pk),
        "minutes": settings.PORTAL_LINK_MINUTES,
    }
    subject, text, html = render_email("portal-sign-in", context, language=customer.language)
    link.outbound = queue_email(
        to=customer.email, subject=subject, body_text=text, body_html=html, language=customer.language
    )
    link.save(update_fields=["token_hash", "outbound"])
    return link


def render_sign_in_link(outbound: OutboundEmail, text: str, html: str) -> tuple[str, str]:
    """mailroom's send-time hook: the placeholder becomes the link, only in the e-mail it was written for."""
    pks = {int(pk) for pk in PLACEHOLDER_RE.findall(text + html)}
    if not pks:
        return text, html
    links = {link.pk: link for link in SignInLink.objects.filter(pk__in=pks, outbound_id=outbound.pk)}

    def expand(match: re.Match) -> str:
        link = links.get(int(match.group(1)))
        return sign_in_url(link_token(link)) if link else ""

    return PLACEHOLDER_RE.sub(expand, text), PLACEHOLDER_RE.sub(expand, html)


def redeem_sign_in_link(*, token: str) -> Customer:
    """A link signs in once, within its validity; the claim is one conditional UPDATE, so two
    clicks racing sign in once."""
    token = (token or "").strip()
    if not token or len(token) > 128:
        raise LinkInvalid(_("This sign-in link is not valid any more. Ask for a new one."))
    now = timezone.now()
    token_hash = hash_token(token)
    claimed = SignInLink.objects.filter(token_hash=token_hash, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not claimed:
        raise LinkInvalid(_("This sign-in link is not valid any more. Ask for a new one."))
    return SignInLink.objects.select_related("customer").get(token_hash=token_hash).customer


def reopen_window() -> dt.timedelta:
    return dt.timedelta(days=settings.PORTAL_REOPEN_DAYS)


def can_reopen(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    """A solved ticket may be reopened by its customer for PORTAL_REOPEN_DAYS after the solve."""
    if ticket.status != Status.SOLVED or ticket.solved_at is None:
        return False
    return (now or timezone.now()) - ticket.solved_at <= reopen_window()


def can_reply(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    if ticket.status == Status.CLOSED:
        return False
    if ticket.status == Status.SOLVED:
        return can_reopen(ticket, now)
    return True


def reply_from_portal(
    *, ticket: Ticket, customer: Customer, body: str, attachments: list[tuple[str, bytes, str]] | None = None
) -> Message:
    """The customer writes on their ticket from the portal: a customer message, as if e-mailed
    (a solved ticket reopens, within the reopen window only)."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("The message is empty."), field="body")
    if not can_reply(ticket):
        raise DomainError(_("This request is closed. Please open a new one."), field="body")
    return ticket_services.add_customer_message(
        ticket=ticket, body=body, channel=Channel.WEB, attachments=attachments or None
    )


def reopen_from_portal(*, ticket: Ticket, customer: Customer) -> Ticket:
    """The customer says a solved ticket is not solved after all, within the reopen window."""
    if not can_reopen(ticket):
        raise DomainError(_("This request can no longer be reopened. Please open a new one."), field="status")
    return ticket_services.change_status(ticket=ticket, status=Status.OPEN, by=None)
