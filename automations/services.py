"""Writes of rules: validated, and the engine's cache of active rules cleared after each."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from automations import actions, conditions
from automations.engine import forget_rules
from automations.models import Event, Rule
from helpdesk.errors import DomainError

RULE_FIELDS = ("name", "event", "conditions", "actions", "active", "position")


def validate_rule(data: dict) -> None:
    """Refuse a rule that could not run, naming the field (e.g. `conditions[0].operator`)."""
    if "name" in data and not str(data["name"] or "").strip():
        raise DomainError("A name is required.", field="name")
    if "event" in data and data["event"] not in Event.values:
        raise DomainError(f"Unknown event “{data['event']}”.", field="event")
    if "conditions" in data:
        if not isinstance(data["conditions"], list):
            raise DomainError("A list of conditions.", field="conditions")
        for i, c in enumerate(data["conditions"]):
            if not isinstance(c, dict) or not conditions.valid_field(str(c.get("field", ""))):
                raise DomainError(
                    f"Unknown field “{c.get('field') if isinstance(c, dict) else c}”.", field=f"conditions[{i}].field"
                )
            ops = conditions.TIME_OPERATORS if c["field"] in conditions.TIME_FIELDS else conditions.OPERATORS
            if c.get("operator") not in ops:
                raise DomainError(f"Unknown operator “{c.get('operator')}”.", field=f"conditions[{i}].operator")
            if c["field"] in conditions.TIME_FIELDS and not isinstance(c.get("value"), int | float):
                raise DomainError("A number of business hours.", field=f"conditions[{i}].value")
    if "actions" in data:
        if not isinstance(data["actions"], list) or not data["actions"]:
            raise DomainError("At least one action.", field="actions")
        for i, a in enumerate(data["actions"]):
            problem = actions.validate(a) if isinstance(a, dict) else "not an action"
            if problem:
                raise DomainError(problem, field=f"actions[{i}]")


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
def delete_rule(*, rule: Rule, by: User | None = None) -> None:
    rule.delete()
    transaction.on_commit(forget_rules)
    forget_rules()
