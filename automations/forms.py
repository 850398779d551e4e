"""The rule editor: the rule's own fields, and its conditions and actions as formset rows.

Rows hold text; `rule_data()` turns them into the JSON the engine runs (lists for tags, numbers for
business hours, queue ids from a queue's name), and `initial_rows()` does the reverse for editing.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from automations import actions, conditions
from automations.models import Event
from tickets.access import STAFF_ROLES
from tickets.models import Queue, TicketField

# Fields whose value may name several possibilities ("any of"), comma-separated in the form.
LIST_FIELDS = {"tags", "priority", "status", "channel", "language", "customer.last_rating"}
LIST_ACTIONS = {"add_tags", "remove_tags"}
EMAIL_TEMPLATES = {
    "pending_reminder": _("Reminder: we are waiting for your answer"),
    "solved_notice": _("Notice: marked solved after no answer"),
}


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    event = forms.ChoiceField(label=_("When"), choices=Event.choices)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


def _field_choices():
    custom = [(f"field.{key}", label) for key, label in TicketField.objects.order_by("key").values_list("key", "label")]
    return [
        (_("Ticket"), list(conditions.FIELDS.items()) + custom),
        (_("Time (hourly rules)"), list(conditions.TIME_FIELDS.items())),
    ]


def _style(form: forms.Form) -> None:
    for name, field in form.fields.items():
        if name == "DELETE":
            field.widget.attrs["class"] = "form-check-input"
        elif isinstance(field, forms.ChoiceField):
            field.widget.attrs["class"] = "form-select form-select-sm"
        else:
            field.widget.attrs["class"] = "form-control form-control-sm"


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    operator = forms.ChoiceField(
        label=_("Operator"), choices=list(conditions.OPERATORS.items()) + list(conditions.TIME_OPERATORS.items())
    )
    value = forms.CharField(label=_("Value"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—")] + _field_choices()
        _style(self)


class ActionForm(forms.Form):
    type = forms.ChoiceField(label=_("Action"), choices=[("", "—")] + list(actions.TYPES.items()), required=False)
    value = forms.CharField(label=_("Value"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


ConditionFormSet = forms.formset_factory(ConditionForm, formset=RowFormSet, extra=0, can_delete=True)
ActionFormSet = forms.formset_factory(ActionForm, formset=RowFormSet, extra=0, can_delete=True)


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _queue_id(text: str):
    """A queue by id, slug or name (case-insensitive); the text itself when none matches (validation names it)."""
    text = (text or "").strip()
    if text.isdigit():
        return int(text)
    queue = Queue.objects.filter(slug__iexact=text).first() or Queue.objects.filter(name__iexact=text).first()
    return queue.pk if queue else text


def condition_value(field: str, text: str):
    text = (text or "").strip()
    if field in conditions.TIME_FIELDS:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return text  # refused by validation, naming the row
        return int(number) if number.is_integer() else number
    if field == "had_offscript":
        return text.casefold() in ("true", "1", "yes", "sim", "ναι", "da", "да")
    if field == "queue":
        value = _queue_id(text)
        return str(value)
    if field in LIST_FIELDS:
        parts = _split(text)
        return parts[0] if len(parts) == 1 else parts
    return text


def action_value(kind: str, text: str):
    text = (text or "").strip()
    if kind in LIST_ACTIONS:
        return _split(text)
    if kind == "set_queue":
        return _queue_id(text)
    if kind == "assign_round_robin":
        return "load_balanced" if text.replace("-", "_").casefold() in ("load_balanced", "balanced") else None
    return text


def shown(value) -> str:
    """A stored value as the form's text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def initial_rows(rule) -> tuple[list[dict], list[dict]]:
    cond_rows = [
        {"field": c.get("field"), "operator": c.get("operator"), "value": shown(c.get("value"))}
        for c in rule.conditions
    ]
    action_rows = [{"type": a.get("type"), "value": shown(a.get("value"))} for a in rule.actions]
    return cond_rows, action_rows


def live_rows(formset) -> list[tuple[int, forms.Form]]:
    """(row number among the kept rows, form) for each row not removed and not left empty."""
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not (data.get("field") or data.get("type")):
            continue
        kept.append((len(kept), form))
    return kept


def rule_data(rule_form: RuleForm, cond_set, action_set) -> dict:
    """The rule as the services take it (call after the three are valid)."""
    return {
        "name": rule_form.cleaned_data["name"],
        "event": rule_form.cleaned_data["event"],
        "active": rule_form.cleaned_data["active"],
        "conditions": [
            {
                "field": f.cleaned_data["field"],
                "operator": f.cleaned_data["operator"],
                "value": condition_value(f.cleaned_data["field"], f.cleaned_data["value"]),
            }
            for _i, f in live_rows(cond_set)
        ],
        "actions": [
            {"type": f.cleaned_data["type"], "value": action_value(f.cleaned_data["type"], f.cleaned_data["value"])}
            for _i, f in live_rows(action_set)
        ],
    }


class TestTicketForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket"), max_length=20, help_text=_("A reference like LAT-000123, or its number.")
    )


class OutOfOfficeForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Away from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Back on"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=get_user_model().objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct()
        if person is not None:
            people = people.exclude(pk=person.pk)
        self.fields["deputy"].queryset = people.order_by("username")
        self.fields["deputy"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
