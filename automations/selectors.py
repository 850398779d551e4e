"""Reads for the rule pages: the list with fire counts, and "test this rule" (which changes nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from automations import actions, conditions
from automations.models import Rule
from helpdesk.ids import is_id
from tickets.access import can_be_assigned
from tickets.models import Priority, Queue, Status, Ticket

FIRED_DAYS = 30


def rules_with_fire_counts(*, now: dt.datetime | None = None) -> QuerySet[Rule]:
    """Every rule in run order, each with `fired`: how often it acted in the last 30 days (one query)."""
    since = (now or timezone.now()) - dt.timedelta(days=FIRED_DAYS)
    return Rule.objects.annotate(fired=Count("runs", filter=Q(runs__created_at__gte=since))).order_by("position", "id")


def ticket_by_reference(text: str) -> Ticket | None:
    """A ticket from "LAT-000123", "lat-123" or "123"; None for anything else."""
    text = (text or "").strip()
    if text.upper().startswith("LAT-"):
        text = text[4:]
    if not is_id(text):
        return None
    return Ticket.objects.select_related("queue__department", "customer", "assignee").filter(pk=int(text)).first()


@dataclass
class ConditionCheck:
    field: str
    operator: str
    expected: str
    actual: str
    holds: bool


@dataclass
class ActionPreview:
    label: str
    effect: str
    problem: str = ""


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _time_holds(condition: dict, ticket: Ticket, now: dt.datetime) -> bool:
    from automations.timed import _time_q
    from tickets.business_hours import schedule_for_department

    schedule = schedule_for_department(ticket.queue.department_id)
    return Ticket.objects.filter(pk=ticket.pk).filter(_time_q(condition, now=now, schedule=schedule)).exists()


def check_conditions(rule: Rule, ticket: Ticket, *, now: dt.datetime | None = None) -> list[ConditionCheck]:
    """Each condition of the rule against the ticket as it is now: what the ticket has, and whether it holds."""
    now = now or timezone.now()
    facts = conditions.Facts(ticket)
    checks = []
    for c in rule.conditions:
        field, operator = c.get("field", ""), c.get("operator", "")
        label = conditions.FIELDS.get(field) or conditions.TIME_FIELDS.get(field) or field
        op_label = conditions.OPERATORS.get(operator) or conditions.TIME_OPERATORS.get(operator) or operator
        if field in conditions.TIME_FIELDS:
            holds, actual = _time_holds(c, ticket, now), "—"
        else:
            try:
                actual_value = facts.get(field)
                holds = conditions.holds(c, facts)
            except Exception:  # an unknown field of an old rule: shown as not holding, never a 500
                actual_value, holds = None, False
            actual = _shown(actual_value)
        checks.append(ConditionCheck(str(label), str(op_label), _shown(c.get("value")), actual, holds))
    return checks


def _user_named(username):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def preview_actions(rule: Rule, ticket: Ticket) -> list[ActionPreview]:
    """What each action would do to the ticket, and why one could not apply — computed, never written."""
    from automations.routing import next_assignee

    previews = []
    tags = set(ticket.tags.values_list("name", flat=True))
    for a in rule.actions:
        kind, value = a.get("type"), a.get("value")
        label = str(actions.TYPES.get(kind, kind))
        effect, problem = "", ""
        if kind in ("add_tags", "remove_tags"):
            names = set(actions._names(value))
            new = tags | names if kind == "add_tags" else tags - names
            effect = _("tags: %(old)s → %(new)s") % {"old": _shown(sorted(tags)), "new": _shown(sorted(new))}
            tags = new
        elif kind == "set_priority":
            effect = _("priority: %(old)s → %(new)s") % {
                "old": ticket.get_priority_display(),
                "new": dict(Priority.choices).get(value, value),
            }
        elif kind == "set_status":
            effect = _("status: %(old)s → %(new)s") % {
                "old": ticket.get_status_display(),
                "new": dict(Status.choices).get(value, value),
            }
        elif kind == "set_queue":
            queue = Queue.objects.filter(pk=actions._int(value)).first()
            effect = _("queue: %(old)s → %(new)s") % {"old": ticket.queue.name, "new": queue.name if queue else value}
            if queue is None:
                problem = _("That queue no longer exists.")
        elif kind == "assign_to":
            user = _user_named(value)
            effect = _("assignee: %(old)s → %(new)s") % {"old": _shown(ticket.assignee), "new": value}
            if user is None:
                problem = _("%(user)s no longer exists or is inactive.") % {"user": value}
            elif not can_be_assigned(user, ticket):
                problem = _("%(user)s is not on the staff of this ticket's department.") % {"user": value}
        elif kind == "assign_round_robin":
            chosen = next_assignee(ticket=ticket, balanced=value == "load_balanced")
            if chosen is None:
                problem = _("Nobody in the department is available below their capacity.")
            else:
                effect = _("assignee: %(old)s → %(new)s (next in turn)") % {
                    "old": _shown(ticket.assignee),
                    "new": chosen.get_username(),
                }
        elif kind == "add_note":
            effect = _("internal note: %(text)s") % {"text": value}
        elif kind == "notify":
            effect = _("a notice to %(user)s") % {"user": value}
            if _user_named(value) is None:
                problem = _("%(user)s no longer exists or is inactive.") % {"user": value}
        elif kind == "email_customer" and value in actions.TEMPLATES:
            customer = ticket.customer
            with translation.override(customer.language or ticket.language):
                body = str(actions.TEMPLATES[value]).format(name=customer.display_name, reference=ticket.reference)
            effect = _("a public reply to %(email)s: %(text)s") % {"email": customer.email, "text": body}
        else:
            problem = _("This action cannot run.")
        previews.append(ActionPreview(label, effect, problem))
    return previews
