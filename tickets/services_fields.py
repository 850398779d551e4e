"""Custom ticket fields: their definitions (admins and managers) and their values on tickets.

Values live in `Ticket.fields` as JSON, typed: text and choice as strings, number as a number,
checkbox as a boolean, date as "YYYY-MM-DD". Every change of a value is a history event
(kind "field", the raw old and new values in `data`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from tickets import access, events
from tickets.models import EventKind, FieldType, Queue, Status, Ticket, TicketField

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.db.models import QuerySet

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
TEXT_MAX = 1000
MAX_CHOICES = 200


def _err(key: str, message: str) -> DomainError:
    return DomainError(message, field=f"fields.{key}")


def clean_value(field: TicketField, value: object) -> object:
    """The stored form of a value for this field, or a DomainError naming `fields.<key>`; None clears."""
    key = field.key
    if value is None or value == "":
        return None
    if field.type == FieldType.TEXT:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise _err(key, _("“%(label)s” takes text.") % {"label": field.label})
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            raise _err(key, _("“%(label)s” takes at most %(n)s characters.") % {"label": field.label, "n": TEXT_MAX})
        return text or None
    if field.type == FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _err(key, _("“%(label)s” takes a number.") % {"label": field.label})
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise _err(key, _("“%(label)s” takes a number.") % {"label": field.label}) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise _err(key, _("“%(label)s” takes a number.") % {"label": field.label})
        return int(number) if number == number.to_integral_value() else float(number)
    if field.type == FieldType.CHOICE:
        if not isinstance(value, str) or value not in field.choices:
            raise _err(
                key,
                _("“%(value)s” is not a choice of “%(label)s”; use one of %(choices)s.")
                % {"value": value, "label": field.label, "choices": ", ".join(field.choices)},
            )
        return value
    if field.type == FieldType.CHECKBOX:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "on", "yes"):
            return True
        if isinstance(value, str) and value.lower() in ("false", "0", "off", "no"):
            return False
        raise _err(key, _("“%(label)s” takes true or false.") % {"label": field.label})
    if field.type == FieldType.DATE:
        try:
            if not isinstance(value, str):
                raise ValueError
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise _err(key, _("“%(label)s” takes a date (YYYY-MM-DD).") % {"label": field.label}) from None
    raise _err(key, _("Unknown field type."))


def fields_for(ticket: Ticket) -> list[TicketField]:
    """The fields that apply to this ticket (every queue's, and its own queue's), in order."""
    from helpdesk import refdata

    return refdata.cached(
        f"ticket-fields:{ticket.queue_id}",
        [TicketField],
        lambda: list(TicketField.objects.filter(Q(queue__isnull=True) | Q(queue_id=ticket.queue_id))),
    )


def clean_values(*, ticket: Ticket | None, queue: Queue | None, values: object) -> dict[str, object]:
    """Validate a `{key: value}` mapping against the fields of the ticket's (or the new ticket's) queue."""
    if not isinstance(values, dict):
        raise DomainError(_("Custom fields are an object of key: value."), field="fields")
    queue_id = ticket.queue_id if ticket is not None else (queue.pk if queue else None)
    known = {f.key: f for f in TicketField.objects.filter(key__in=list(values))}
    cleaned: dict[str, object] = {}
    for key, value in values.items():
        field = known.get(key)
        if field is None:
            raise _err(str(key)[:50], _("There is no custom field “%(key)s”.") % {"key": str(key)[:50]})
        if field.queue_id is not None and field.queue_id != queue_id:
            raise _err(key, _("“%(label)s” does not apply to this ticket's queue.") % {"label": field.label})
        cleaned[key] = clean_value(field, value)
    return cleaned


def raw_value(value: object) -> str:
    """A field value as the history row's old_value / new_value text."""
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def apply_values(fields: dict | None, cleaned: dict) -> tuple[dict, list[tuple[str, object, object]]]:
    """A ticket's field values with `cleaned` applied (None clears one), and (key, old, new) per change."""
    current = dict(fields or {})
    changed = []
    for key, value in cleaned.items():
        old = current.get(key)
        if old == value:
            continue
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
        changed.append((key, old, value))
    return current, changed


@transaction.atomic
def set_field_values(*, ticket: Ticket, values: dict, by: User, by_rule: int | None = None) -> Ticket:
    """Set custom field values on a ticket (None or "" clears one); each change is one history event."""
    cleaned = clean_values(ticket=ticket, queue=None, values=values)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    current, changed = apply_values(ticket.fields, cleaned)
    if not changed:
        return ticket
    ticket.fields = current
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["fields", "updated_at"])
    for key, old, new in changed:
        events.record(
            ticket=ticket,
            by=by,
            kind=EventKind.FIELD,
            old=raw_value(old),
            new=raw_value(new),
            data={"key": key, "old": old, "new": new},
            by_rule=by_rule,
        )
    return ticket


def missing_required(ticket: Ticket) -> list[TicketField]:
    values = ticket.fields or {}
    return [f for f in fields_for(ticket) if f.required_to_solve and values.get(f.key) in (None, "")]


def required_fields_guard(ticket: Ticket, new_status: str) -> str | None:
    """A transition guard: a ticket cannot be solved while a field required to solve it is empty."""
    if new_status != Status.SOLVED:
        return None
    missing = missing_required(ticket)
    if missing:
        field = missing[0]
        raise _err(field.key, _("“%(label)s” must be filled in before solving.") % {"label": field.label})
    return None


# --- filtering ------------------------------------------------------------------------------------


def filter_value(field: TicketField, raw: str) -> object:
    """A query-string value parsed by the field's type (a DomainError naming `field.<key>` if bad)."""
    try:
        value = clean_value(field, raw)
    except DomainError as exc:
        raise DomainError(exc.message, field=f"field.{field.key}") from None
    return value


def field_q(key: str, value: object) -> Q:
    """Tickets whose field `key` holds `value`: containment on PostgreSQL (served by the GIN index)."""
    if value is None:
        return ~Q(fields__has_key=key)
    if connection.vendor == "postgresql":
        return Q(fields__contains={key: value})
    return Q(**{f"fields__{key}": value})


def field_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The `field.<key>=value` parameters of a query string."""
    return {name[6:]: value for name, value in params.items() if name.startswith("field.") and value != ""}


def field_filters_q(params: dict[str, str]) -> Q:
    """The condition for `{key: raw value}` filters, all of them holding: one `fields @> {...}` containment
    on PostgreSQL (one GIN probe); an unknown key or a mistyped value is a DomainError naming `field.<key>`."""
    if not params:
        return Q()
    from tickets.selectors import filterable_fields

    known = {f["key"]: f for f in filterable_fields()}
    contained: dict[str, object] = {}
    condition = Q()
    for key, raw in params.items():
        row = known.get(key)
        if row is None:
            raise DomainError(_("There is no custom field “%(key)s”.") % {"key": key[:50]}, field=f"field.{key[:50]}")
        field = TicketField(key=row["key"], label=row["label"], type=row["type"], choices=row["choices"])
        value = filter_value(field, raw)
        if value is not None and connection.vendor == "postgresql":
            contained[key] = value
        else:
            condition &= field_q(key, value)
    if contained:
        condition &= Q(fields__contains=contained)
    return condition


def apply_field_filters(qs: QuerySet[Ticket], params: dict[str, str]) -> QuerySet[Ticket]:
    """Filter a ticket queryset by `{key: raw value}`; an unknown key is a 400 naming `field.<key>`."""
    condition = field_filters_q(params)
    return qs.filter(condition) if params else qs


# --- definitions (admins and managers) ------------------------------------------------------------


def _forget_definitions() -> None:
    from django.core.cache import cache

    from tickets.selectors import TICKET_FIELDS_CACHE_KEY

    # Now and after commit: a page rendered meanwhile may have cached the old definitions again.
    cache.delete(TICKET_FIELDS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(TICKET_FIELDS_CACHE_KEY))


def _check_manager(by) -> None:
    if not access.is_manager_or_above(by):
        raise DomainError(_("Only admins and managers may define custom fields."), field="key", code="forbidden")


def _clean_definition(*, type: str, choices: object, label: str) -> list[str]:
    if type not in FieldType.values:
        raise DomainError(_("Unknown field type “%(t)s”.") % {"t": type}, field="type")
    if not (label or "").strip():
        raise DomainError(_("A label is required."), field="label")
    if type != FieldType.CHOICE:
        return []
    if not isinstance(choices, list) or not choices or len(choices) > MAX_CHOICES:
        raise DomainError(_("A choice field needs a list of choices."), field="choices")
    clean = []
    for choice in choices:
        if not isinstance(choice, str) or not choice.strip() or len(choice) > 100:
            raise DomainError(_("Each choice is a short piece of text."), field="choices")
        if choice.strip() not in clean:
            clean.append(choice.strip())
    return clean


@transaction.atomic
def create_ticket_field(
    *,
    by: User,
    key: str,
    label: str,
    type: str,
    choices: list | None = None,
    required_to_solve: bool = False,
    queue: Queue | None = None,
    public: bool = False,
    inbox_column: bool = False,
) -> TicketField:
    """Admins and managers define a field; its key is its identity in the API and in filters."""
    _check_manager(by)
    if not KEY_RE.match(key or ""):
        raise DomainError(
            _("A key is lower-case letters, digits and underscores, starting with a letter."), field="key"
        )
    if TicketField.objects.filter(key=key).exists():
        raise DomainError(_("A field with the key “%(key)s” exists already.") % {"key": key}, field="key")
    clean_choices = _clean_definition(type=type, choices=choices, label=label)
    field = TicketField.objects.create(
        key=key,
        label=label.strip()[:100],
        type=type,
        choices=clean_choices,
        required_to_solve=bool(required_to_solve),
        queue=queue,
        public=bool(public),
        inbox_column=bool(inbox_column),
    )
    _forget_definitions()
    return field


@transaction.atomic
def update_ticket_field(*, field: TicketField, by: User, **changes) -> TicketField:
    """Change a field's label, choices, queue or flags; its key and type stay (stored values depend on them)."""
    _check_manager(by)
    if "key" in changes and changes["key"] != field.key:
        raise DomainError(_("A field's key cannot change."), field="key")
    if "type" in changes and changes["type"] != field.type:
        raise DomainError(_("A field's type cannot change."), field="type")
    label = changes.get("label", field.label)
    choices = _clean_definition(type=field.type, choices=changes.get("choices", field.choices), label=label)
    field.label = label.strip()[:100]
    field.choices = choices
    for name in ("required_to_solve", "public", "inbox_column"):
        if name in changes:
            setattr(field, name, bool(changes[name]))
    if "queue" in changes:
        field.queue = changes["queue"]
    field.save()
    _forget_definitions()
    return field


@transaction.atomic
def delete_ticket_field(*, field: TicketField, by: User) -> None:
    """Remove a definition; values already on tickets stay in their history and JSON."""
    _check_manager(by)
    field.delete()
    _forget_definitions()
