"""What insights hangs on earlier apps: its menu entry."""

from helpdesk.registration import register


def install() -> None:
    from insights import views
    from tickets import hooks

    register(hooks.nav_items, views.nav_items)
