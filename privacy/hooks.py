"""What privacy hangs on the earlier apps: the admins' panel on the customer page."""

from __future__ import annotations

from helpdesk.registration import register as add
from tickets import hooks
from tickets.access import has_role
from tickets.models import Role


def customer_panel(request, customer) -> dict | None:
    if not has_role(request.user, Role.ADMIN):
        return None
    return {"template": "privacy/_customer_panel.html", "context": {"privacy_customer": customer}, "order": 90}


def register() -> None:
    add(hooks.customer_panels, customer_panel)
