"""`{% load mailroom %}{% email_body message %}`: a thread message as the ticket page shows it.

For a message that came by e-mail, what the customer wrote is shown and the quoted history and
signature are folded in a <details> (kept, one click away); inline images (cid:) point at the
attachment view. Any other message is shown as it is.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from mailroom.quoting import split_quoted

register = template.Library()

_CID = re.compile(r"""(src=["'])cid:([^"']+)(["'])""", re.I)


def _inbound(message, inbound):
    if inbound is not None:
        return inbound
    try:
        return message.inbound_email
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: not an e-mail
        return None


def _rewrite_cids(html: str, message) -> str:
    if "cid:" not in html.lower():
        return html
    by_cid = {a.content_id.strip("<>"): a for a in message.attachments.all() if a.content_id}

    def replace(match):
        attachment = by_cid.get(match.group(2).strip("<>"))
        if attachment is None:
            return match.group(0)
        return f"{match.group(1)}{reverse('mailroom:inline_attachment', args=[attachment.pk])}{match.group(3)}"

    return _CID.sub(replace, html)


@register.inclusion_tag("mailroom/_email_body.html")
def email_body(message, inbound=None):
    """Render one thread message; pass `inbound` when it was fetched already (see selectors.inbound_by_message)."""
    inbound = _inbound(message, inbound)
    if inbound is not None and (inbound.visible_html or inbound.visible_text):
        if inbound.visible_html:
            visible = _rewrite_cids(inbound.visible_html, message)
            quoted = _rewrite_cids(inbound.quoted_html, message) if inbound.quoted_html else ""
        else:
            visible = linebreaks(inbound.visible_text, autoescape=True)
            quoted = linebreaks(inbound.quoted_text, autoescape=True) if inbound.quoted_text else ""
        notes = inbound.notes or []
        sender = ""
        if inbound.from_email and inbound.from_email != message.ticket.customer.email:
            sender = inbound.from_name or inbound.from_email
        return {
            "visible": mark_safe(visible),  # noqa: S308 - sanitised with nh3 when stored
            "quoted": mark_safe(quoted),  # noqa: S308
            "notes": notes,
            "sender": sender,
            "message": message,
        }
    if message.body_html:
        return {"visible": mark_safe(_rewrite_cids(message.body_html, message)), "quoted": "", "message": message}  # noqa: S308
    visible, quoted = (message.body, "")
    if getattr(message, "channel", "") == "email":
        visible, quoted = split_quoted(message.body)
    return {
        # linebreaks(autoescape=True) has escaped the text already; mark it so the template does not again.
        "visible": mark_safe(linebreaks(visible, autoescape=True)),  # noqa: S308
        "quoted": mark_safe(linebreaks(quoted, autoescape=True)) if quoted else "",  # noqa: S308
        "message": message,
    }


@register.filter
def visible_part(text: str) -> str:
    """The text above quoted history and signature."""
    return split_quoted(text)[0]


@register.filter
def quoted_part(text: str) -> str:
    """Quoted history and signature (empty when there is none)."""
    return split_quoted(text)[1]
