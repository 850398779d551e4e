"""What the knowledge base hangs on earlier apps: the composer panel, the menu entry, and policy
articles as a source of "read and understood" (notices.acks)."""

from __future__ import annotations

from django.urls import reverse

from helpdesk.registration import register


def install() -> None:
    from kb import panels, selectors
    from kb.models import Article
    from notices import acks
    from tickets import hooks

    register(hooks.ticket_panels, panels.composer_panel)
    register(hooks.nav_items, panels.nav)
    acks.register(
        Article,
        required_of=selectors.articles_asking,
        audience=selectors.ack_audience,
        version=lambda article: article.version,
        url=lambda article: reverse("kb:article", args=[article.pk]),
    )
