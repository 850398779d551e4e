"""What the portal hangs on earlier apps: the sign-in link's renderer in outbound mail."""

from __future__ import annotations

from helpdesk.registration import register


def install() -> None:
    from mailroom import hooks as mail_hooks
    from portal import services

    register(mail_hooks.outbound_renderers, services.render_sign_in_link)
