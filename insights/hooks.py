"""What insights hangs on earlier apps: its menu entry, and the operational stats kept by the event stream.
And what later apps hang on insights: `received_recognition`."""

from __future__ import annotations

from collections.abc import Callable

from helpdesk.registration import register

# "My feedback" shows the recognition a person received in the period; later apps (recognition's kudos)
# register `fn(*, user, start, end, limit) -> list` here — insights never imports them.
received_recognition: list[Callable[..., list]] = []


def install() -> None:
    from insights import metrics, views
    from tickets import events, hooks

    register(hooks.nav_items, views.nav_items)
    # Operational figures stay live: every change to a ticket updates its stats row in the same change.
    events.subscribe_in_transaction(metrics.on_event)
    # Cached satisfaction reports recompute the days whose surveys an off-script action or a reopening
    # changes (feedback.freshness).
    from django.db.models.signals import post_delete, post_save

    from agents.models import OffscriptAction
    from insights import selectors

    # Through the event stream, not a post_save of the row: bulk changes write their rows in one INSERT.
    events.subscribe_in_transaction(selectors.on_event_for_reports)
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            selectors.on_offscript_action_changed,
            sender=OffscriptAction,
            dispatch_uid=f"insights.freshness.offscript.{name}",
            weak=False,
        )
