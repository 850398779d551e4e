"""Writes of rules: validated, and the engine's cache of active rules cleared after each."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from automations import actions, conditions
from automations.engine import forget_rules
from automations.models import Event, Rule
from helpdesk.errors import DomainError

if TYPE_CHECKING:
    from agents.models import Delegation

RULE_FIELDS = ("name", "event", "conditions", "actions", "active", "position")


def rule_problems(data: dict) -> list[tuple[str, str]]:
    """Every reason the rule could not run, as (field, message), e.g. ("conditions[0].operator", …)."""
    found: list[tuple[str, str]] = []
    if "name" in data and not str(data["name"] or "").strip():
        found.append(("name", _("A name is required.")))
    if "event" in data and data["event"] not in Event.values:
        found.append(("event", _("Unknown event “%(value)s”.") % {"value": data["event"]}))
    if "conditions" in data:
        if not isinstance(data["conditions"], list):
            found.append(("conditions", _("A list of conditions.")))
        else:
            for i, c in enumerate(data["conditions"]):
                if not isinstance(c, dict) or not conditions.valid_field(str(c.get("field", ""))):
                    shown = c.get("field") if isinstance(c, dict) else c
                    found.append((f"conditions[{i}].field", _("Unknown field “%(value)s”.") % {"value": shown}))
                    continue
                ops = conditions.TIME_OPERATORS if c["field"] in conditions.TIME_FIELDS else conditions.OPERATORS
                if c.get("operator") not in ops:
                    found.append(
                        (
                            f"conditions[{i}].operator",
                            _("“%(op)s” does not go with this field; use one of: %(ops)s.")
                            % {"op": c.get("operator"), "ops": ", ".join(str(o) for o in ops.values())},
                        )
                    )
                if c["field"] in conditions.TIME_FIELDS and (
                    isinstance(c.get("value"), bool) or not isinstance(c.get("value"), int | float)
                ):
                    found.append((f"conditions[{i}].value", _("A number of business hours.")))
    if "actions" in data:
        if not isinstance(data["actions"], list) or not data["actions"]:
            found.append(("actions", _("At least one action.")))
        else:
            for i, a in enumerate(data["actions"]):
                problem = actions.validate(a) if isinstance(a, dict) else _("Not an action.")
                if problem:
                    found.append((f"actions[{i}]", problem))
    return found


def validate_rule(data: dict) -> None:
    """Refuse a rule that could not run, naming the field (e.g. `conditions[0].operator`)."""
    problems = rule_problems(data)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)


@transaction.atomic
def create_rule(*, by: User | None = None, **data) -> Rule:
    """A new rule; without a position it goes last."""
    for required in ("name", "event", "actions"):
        if required not in data:
            raise DomainError("This field is required.", field=required)
    validate_rule(data)
    if data.get("position") is None:
        last = Rule.objects.order_by("-position").values_list("position", flat=True).first()
        data["position"] = (last or 0) + 1
    rule = Rule.objects.create(**{k: v for k, v in data.items() if k in RULE_FIELDS})
    transaction.on_commit(forget_rules)
    forget_rules()
    return rule


@transaction.atomic
def update_rule(*, rule: Rule, by: User | None = None, **data) -> Rule:
    validate_rule(data)
    for key, value in data.items():
        if key in RULE_FIELDS:
            setattr(rule, key, value)
    rule.save()
    transaction.on_commit(forget_rules)
    forget_rules()
    return rule


@transaction.atomic
def move_rule(*, rule: Rule, direction: str, by: User | None = None) -> Rule:
    """Swap the rule with its neighbour above ("up") or below ("down"); positions are renumbered 1…n first
    so that equal positions never make a move do nothing."""
    ordered = list(Rule.objects.select_for_update().order_by("position", "id"))
    index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise DomainError("Move up or down.", field="direction")
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    return _renumber(ordered, rule)


@transaction.atomic
def reorder_rules(*, ids: list[int], by: User | None = None) -> None:
    """Put the rules in the order of `ids` (those not named keep their order, after them)."""
    ordered = list(Rule.objects.select_for_update().order_by("position", "id"))
    rank = {pk: i for i, pk in enumerate(ids)}
    ordered.sort(key=lambda r: (rank.get(r.pk, len(rank)), r.position, r.pk))
    _renumber(ordered, None)


def _renumber(ordered: list[Rule], rule: Rule | None) -> Rule | None:
    changed = [r for position, r in enumerate(ordered, start=1) if r.position != position]
    for position, r in enumerate(ordered, start=1):
        r.position = position
    Rule.objects.bulk_update(changed, ["position"])
    transaction.on_commit(forget_rules)
    forget_rules()
    return next((r for r in ordered if rule is not None and r.pk == rule.pk), rule)


@transaction.atomic
def set_out_of_office(
    *, person: User, deputy: User, starts_at: dt.datetime, ends_at: dt.datetime, note: str = "", by: User
) -> Delegation:
    """`person` is away between two moments with `deputy` standing in (one mechanism: agents.Delegation):
    routing skips them, and their open tickets and pending approvals move to the deputy at the start."""
    from agents.services import create_delegation
    from automations.routing import forget_availability

    delegation = create_delegation(
        from_user=person, to_user=deputy, starts_at=starts_at, ends_at=ends_at, note=note, by=by
    )
    transaction.on_commit(lambda: forget_availability(person.pk))
    forget_availability(person.pk)
    return delegation


@transaction.atomic
def cancel_out_of_office(*, person: User, by: User) -> int:
    """Back early, or a planned absence called off: every running or future out-of-office of `person` ends.
    Tickets already handed over stay with the deputy."""
    from django.utils import timezone

    from agents.models import Delegation
    from agents.services import end_delegation
    from automations.routing import forget_availability

    ended = 0
    for delegation in Delegation.objects.filter(from_user=person, ends_at__gt=timezone.now()):
        end_delegation(delegation=delegation, by=by)
        ended += 1
    forget_availability(person.pk)
    return ended


@transaction.atomic
def delete_rule(*, rule: Rule, by: User | None = None) -> None:
    rule.delete()
    transaction.on_commit(forget_rules)
    forget_rules()
