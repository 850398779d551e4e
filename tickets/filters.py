"""Filters of the ticket API list: each parameter names what a person would type (a queue's slug, a
username, a customer's e-mail) or an id; a bad value is a 400 naming the parameter."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from helpdesk.ids import is_id
from tickets import ordering
from tickets.models import Customer, FieldType, Message, MessageKind, Priority, Queue, Status, Ticket, TicketField
from tickets.selectors import search_tickets
from tickets.services_fields import apply_field_filters, field_filters

MAX_ID = 2**63 - 1


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: any offset Python accepts (say +19:55) is an instant, while
    PostgreSQL refuses offsets beyond ±15:59 in a literal."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:  # beyond year 1 or 9999 in UTC: the nearest moment that exists
                value = (dt.datetime.min if value.year < 5000 else dt.datetime.max).replace(tzinfo=dt.UTC)
        return super().filter(qs, value)


class StatusListField(forms.CharField):
    """One status or several, comma-separated: `status=open,pending`."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise forms.ValidationError(
                _("Unknown status “%(value)s”; use one of %(choices)s."),
                params={"value": unknown[0], "choices": ", ".join(Status.values)},
            )
        return statuses


class QueueRefField(forms.CharField):
    """A queue by id or slug."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lookup = {"pk": int(value)} if is_id(value) else {"slug": value}
        queue = Queue.objects.filter(**lookup).only("id").first()
        if queue is None:
            raise forms.ValidationError(_("Unknown queue “%(value)s”."), params={"value": value})
        return queue.pk


class UserRefField(forms.CharField):
    """A user by id or username; an unknown one is refused, naming it."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return self.resolve(value)

    def resolve(self, value: str):
        User = get_user_model()
        lookup = {"pk": int(value)} if is_id(value) else {User.USERNAME_FIELD: value}
        user_id = User.objects.filter(**lookup).values_list("pk", flat=True).first()
        if user_id is None:
            raise forms.ValidationError(_("Unknown user “%(value)s”."), params={"value": value})
        return user_id


class AssigneeRefField(UserRefField):
    """A staff user by id or username; `none` for unassigned tickets."""

    def resolve(self, value: str):
        return "none" if value.lower() == "none" else super().resolve(value)


class CustomerRefField(forms.CharField):
    """A customer by id or e-mail address. An address never seen simply has no tickets."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if is_id(value):
            # An id no database column can hold matches no customer (SQLite would overflow on it).
            return int(value) if int(value) <= MAX_ID else 0
        return Customer.objects.filter(email=value.strip().lower()).values_list("pk", flat=True).first() or 0


@extend_schema_field(OpenApiTypes.STR)
class RefFilter(django_filters.Filter):
    """A filter whose form field resolves the reference; the method applies the resolved id."""


class StatusFilter(RefFilter):
    field_class = StatusListField


class QueueFilter(RefFilter):
    field_class = QueueRefField


class AssigneeFilter(RefFilter):
    field_class = AssigneeRefField


class CustomerFilter(RefFilter):
    field_class = CustomerRefField


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is refused instead of being read as "no filter"."""

    TRUE = {"true", "1", "yes"}
    FALSE = {"false", "0", "no"}

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Use true or false, not “%(value)s”."), params={"value": value})


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IdFilter(django_filters.NumberFilter):
    """A whole number that a database id can be (`?ticket=12`); anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UserFilter(RefFilter):
    """`?agent=ana` or `?agent=7`: filters `field_name` by the user's id."""

    field_class = UserRefField


class TicketFilter(django_filters.FilterSet):
    status = StatusFilter(
        method="filter_status",
        help_text="One status or several, comma-separated: new, open, pending, solved, closed.",
    )
    queue = QueueFilter(method="filter_queue", help_text="A queue's id or slug.")
    assignee = AssigneeFilter(
        method="filter_assignee",
        help_text="A user's id or username; `none` for unassigned tickets.",
    )
    customer = CustomerFilter(method="filter_customer", help_text="A customer's id or e-mail address.")
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag name.")
    q = django_filters.CharFilter(
        method="filter_search", help_text="Full-text search on subject, messages and customer; or a reference LAT-…"
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ordering.BY_KEY],
        method="filter_ordering",
        empty_label=None,
        help_text=f"One of: {', '.join(ordering.BY_KEY)}. Default {ordering.API_DEFAULT}.",
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def filter_queue(self, queryset, name, value):
        return queryset.filter(queue_id=value) if value else queryset

    def filter_assignee(self, queryset, name, value):
        if value is None:
            return queryset
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def filter_customer(self, queryset, name, value):
        return queryset if value is None else queryset.filter(customer_id=value)

    def filter_search(self, queryset, name, value):
        return search_tickets(queryset, value)

    def filter_ordering(self, queryset, name, value):
        # Applied in filter_queryset below so the default ordering holds when the parameter is absent.
        return queryset

    def filter_queryset(self, queryset):
        # A tag name is unique, so the tag join yields at most one row per ticket: no DISTINCT needed.
        queryset = super().filter_queryset(queryset)
        queryset = apply_field_filters(queryset, field_filters(self.data))
        key = self.form.cleaned_data.get("ordering") or ordering.API_DEFAULT
        return ordering.order_tickets(queryset, ordering.BY_KEY[key])


class TicketFieldFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=FieldType.choices)
    queue = QueueFilter(field_name="queue_id", help_text="A queue's id or slug (fields of that queue only).")
    required_to_solve = BooleanFilter()

    class Meta:
        model = TicketField
        fields: list[str] = []


class MessageFilter(django_filters.FilterSet):
    """The thread of one ticket: `kind` (customer, reply, note) and `since`."""

    kind = django_filters.ChoiceFilter(choices=MessageKind.choices)
    since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Message
        fields: list[str] = []
