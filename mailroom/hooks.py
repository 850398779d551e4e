"""What mailroom hangs on earlier apps: the reply e-mail, its ticket-page panels and menu entry, and the
e-mail copy of notices (through the one sending path, `queue_email`)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from helpdesk.registration import register
from mailroom.models import OutboundKind
from notices import kinds
from notices import selectors as notice_selectors
from notices import services as notice_services
from notices.models import Notice


def _language_of(user) -> str:
    profile = getattr(user, "profile", None)
    return (getattr(profile, "language", "") if profile else "") or settings.LANGUAGE_CODE


def send_notice_copy(notice: Notice) -> None:
    """The e-mail copy of one notice, in its person's language: the kind's own template, or the generic one."""
    # Imported here: mailroom.services reads `outbound_renderers` below, so this module loads first.
    from mailroom.rendering import render_email
    from mailroom.services import queue_email

    user = notice.user
    language = _language_of(user)
    kind = kinds.get(notice.kind)
    with translation.override(language):
        if kind is not None and kind.email is not None:
            copy = kind.email(notice)
        else:
            link = notice_selectors.url(notice)
            copy = kinds.EmailCopy(
                template="notice",
                context={
                    "text": notice_selectors.render(notice),
                    "url": f"{settings.SITE_URL}{link}" if link.startswith("/") else link,
                },
            )
    context = {"notice": notice, "recipient": user, **copy.context}
    subject, body_text, body_html = render_email(copy.template, context, language=language)
    queue_email(
        to=[user.email],
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind=copy.mail_kind or OutboundKind.NOTIFICATION,
        language=language,
        ticket=copy.ticket,
    )


def install() -> None:
    from mailroom import panels, replies
    from tickets import hooks

    hooks.public_reply_created.connect(replies.on_public_reply_created, dispatch_uid="mailroom.reply_email")
    hooks.ticket_created.connect(replies.on_ticket_created, dispatch_uid="mailroom.acknowledgement")
    register(hooks.ticket_panels, panels.delivery_panel)
    register(hooks.nav_items, panels.nav)
    register(hooks.thread_queryset_hooks, panels.thread_with_email)
    register(hooks.message_body_renderers, panels.render_message_body)
    register(notice_services.email_senders, send_notice_copy)


# Where later apps shape an outbound e-mail at the moment it is sent: callables
# (outbound, text, html) -> (text, html), applied by `build_message` just before sending. The portal
# puts its one-time sign-in link into the message this way, never into the OutboundEmail row.
outbound_renderers: list = []
