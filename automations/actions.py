"""Actions: `{type, value}`, each a call to one tickets service with `by_rule` set."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError
from tickets import services as ticket_services
from tickets.models import Priority, Queue, Status, Ticket

TYPES = {
    "add_tags": _("Add tags"),
    "remove_tags": _("Remove tags"),
    "set_priority": _("Set priority"),
    "set_queue": _("Move to queue"),
    "set_status": _("Set status"),
    "assign_to": _("Assign to"),
    "assign_round_robin": _("Assign round robin"),
    "add_note": _("Add an internal note"),
    "notify": _("Notify"),
    "email_customer": _("E-mail the customer"),
}
# Templates for "e-mail the customer", rendered in the customer's language.
TEMPLATES = {
    "pending_reminder": _(
        "Hello {name},\n\nwe are still waiting for your answer on {reference}. "
        "Reply to this e-mail and we will pick it up again."
    ),
    "solved_notice": _(
        "Hello {name},\n\nwe have not heard from you on {reference}, so we have marked it solved. "
        "Reply to this e-mail to reopen it."
    ),
}


class ActionError(Exception):
    """An action that cannot apply (a removed agent, a refused transition): recorded, the others run."""


def _names(value) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    return [str(v).strip().lower() for v in value or [] if str(v).strip()]


def validate(action: dict) -> str | None:
    """A message naming what is wrong with one action, or None."""
    kind, value = action.get("type"), action.get("value")
    if kind not in TYPES:
        return gettext("Unknown action “%(value)s”.") % {"value": kind}
    if kind in ("add_tags", "remove_tags") and not _names(value):
        return gettext("A list of tags is required.")
    if kind == "set_priority" and value not in Priority.values:
        return gettext("Unknown priority “%(value)s”: low, normal, high or urgent.") % {"value": value}
    if kind == "set_status" and value not in Status.values:
        return gettext("Unknown status “%(value)s”: new, open, pending, solved or closed.") % {"value": value}
    if kind == "set_queue" and not Queue.objects.filter(pk=_int(value)).exists():
        return gettext("Unknown queue “%(value)s”.") % {"value": value}
    if kind in ("assign_to", "notify") and not get_user_model().objects.filter(username=value).exists():
        return gettext("Unknown user “%(value)s”.") % {"value": value}
    if kind == "email_customer" and value not in TEMPLATES:
        return gettext("Unknown e-mail “%(value)s”: pending_reminder or solved_notice.") % {"value": value}
    if kind == "add_note" and not str(value or "").strip():
        return gettext("The note is empty.")
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _user(username):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ActionError(f"user “{username}” no longer exists or is inactive")
    return user


def run_action(action: dict, *, ticket: Ticket, rule: dict) -> None:
    kind, value, rid = action.get("type"), action.get("value"), rule["id"]
    try:
        if kind in ("add_tags", "remove_tags"):
            current = set(ticket.tags.values_list("name", flat=True))
            names = set(_names(value))
            new = current | names if kind == "add_tags" else current - names
            ticket_services.set_tags(ticket=ticket, names=sorted(new), by=None, by_rule=rid)
        elif kind == "set_priority":
            ticket_services.set_priority(ticket=ticket, priority=value, by=None, by_rule=rid)
        elif kind == "set_queue":
            queue = Queue.objects.filter(pk=_int(value)).first()
            if queue is None:
                raise ActionError(f"queue {value} no longer exists")
            ticket_services.move_to_queue(ticket=ticket, queue=queue, by=None, by_rule=rid)
        elif kind == "set_status":
            ticket_services.change_status(ticket=ticket, status=value, by=None, by_rule=rid)
        elif kind == "assign_to":
            ticket_services.assign_ticket(ticket=ticket, assignee=_user(value), by=None, by_rule=rid)
        elif kind == "assign_round_robin":
            from automations import routing

            routing.assign_round_robin(ticket=ticket, by_rule=rid, balanced=value == "load_balanced")
        elif kind == "add_note":
            ticket_services.add_message(ticket=ticket, by=None, body=str(value), internal=True, by_rule=rid)
        elif kind == "email_customer":
            from django.utils import translation

            customer = ticket.customer
            with translation.override(customer.language or ticket.language):
                body = str(TEMPLATES[value]).format(name=customer.display_name, reference=ticket.reference)
            ticket_services.add_message(ticket=ticket, by=None, body=body, internal=False, by_rule=rid)
        elif kind == "notify":
            from notices.services import notify

            notify(user=_user(value), kind="automations.rule", target=ticket, params={"rule": rule["name"]})
        else:
            raise ActionError(f"unknown action type “{kind}”")
    except DomainError as exc:
        raise ActionError(str(exc)) from exc
    # Keep the caller's ticket instance current for the next action and the rest of the change.
    fresh = Ticket.objects.get(pk=ticket.pk)
    for f in ("status", "priority", "queue_id", "assignee_id", "updated_at", "status_changed_at"):
        setattr(ticket, f, getattr(fresh, f))
