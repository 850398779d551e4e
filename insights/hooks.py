"""What insights hangs on earlier apps: its menu entry, and the operational stats kept by the event stream."""

from helpdesk.registration import register


def install() -> None:
    from insights import metrics, views
    from tickets import events, hooks

    register(hooks.nav_items, views.nav_items)
    # Operational figures stay live: every change to a ticket updates its stats row in the same change.
    events.subscribe_in_transaction(metrics.on_event)
