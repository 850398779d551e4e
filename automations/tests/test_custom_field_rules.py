"""Rules read custom fields (`field.<key>`): on a new ticket, and when a field is set by hand or in bulk."""

import pytest

from automations import services
from helpdesk.errors import DomainError
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.services_bulk import bulk_change
from tickets.services_fields import create_ticket_field, set_field_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(manager):
    return create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])


def urgent_laptops(event: str):
    return services.create_rule(
        name="Laptops are urgent",
        event=event,
        conditions=[{"field": "field.product", "operator": "is", "value": "laptop"}],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )


def test_a_rule_on_a_custom_field_acts_on_a_new_ticket_that_has_the_value(support_queue, product):
    urgent_laptops("ticket_created")
    laptop = ticket_services.create_ticket(
        subject="Screen",
        body="Broken",
        customer_email="a@example.com",
        queue=support_queue,
        fields={"product": "laptop"},
    )
    phone = ticket_services.create_ticket(
        subject="Screen",
        body="Broken",
        customer_email="a@example.com",
        queue=support_queue,
        fields={"product": "phone"},
    )
    assert Ticket.objects.get(pk=laptop.pk).priority == "urgent"
    assert Ticket.objects.get(pk=phone.pk).priority == "normal"


def test_setting_a_field_by_hand_or_in_bulk_fires_ticket_updated_rules(agent, ticket, support_queue, product):
    from tickets.tests.factories import TicketFactory

    urgent_laptops("ticket_updated")
    set_field_values(ticket=ticket, values={"product": "laptop"}, by=agent)
    assert Ticket.objects.get(pk=ticket.pk).priority == "urgent"
    other = TicketFactory(queue=support_queue, status="open")
    bulk_change(by=agent, ids=[other.pk], changes={"fields": {"product": "laptop"}})
    other.refresh_from_db()
    assert other.priority == "urgent"
    history = list(other.events.values_list("kind", "by_rule"))
    assert ("field", None) in history and any(kind == "priority" and by for kind, by in history)


def test_a_condition_on_an_undefined_custom_field_is_refused_naming_it(product):
    with pytest.raises(DomainError) as refused:
        services.create_rule(
            name="x",
            event="ticket_created",
            conditions=[{"field": "field.colour", "operator": "is", "value": "red"}],
            actions=[{"type": "add_tags", "value": ["red"]}],
        )
    assert refused.value.field == "conditions[0].field"


def test_rules_run_on_each_ticket_of_a_batched_bulk_change(agent, support_queue):
    from tickets.tests.factories import TicketFactory

    services.create_rule(
        name="Urgent is hot",
        event="ticket_updated",
        conditions=[{"field": "priority", "operator": "is", "value": "urgent"}],
        actions=[{"type": "add_tags", "value": ["hot"]}],
    )
    tickets = [TicketFactory(queue=support_queue, status="open") for _ in range(2)]
    bulk_change(by=agent, ids=[t.pk for t in tickets], changes={"priority": "urgent", "add_tags": ["courier"]})
    for ticket in tickets:
        assert sorted(ticket.tags.values_list("name", flat=True)) == ["courier", "hot"]
        assert ticket.events.filter(kind="tags", by_rule__isnull=False).count() == 1
