"""Custom ticket fields: definitions (admins and managers), typed values on tickets, filters, solving."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tickets import services
from tickets.models import EventKind, Status, TicketField
from tickets.services_fields import create_ticket_field, set_field_values
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def product(manager):
    return create_ticket_field(
        by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"], required_to_solve=True
    )


@pytest.fixture
def order(manager):
    return create_ticket_field(by=manager, key="order", label="Order number", type="number")


def test_a_manager_defines_a_field_and_agents_read_it(manager, agent):
    response = client_for(manager).post(
        "/api/ticket-fields/",
        {"key": "product", "label": "Product", "type": "choice", "choices": ["laptop", "phone"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["choices"] == ["laptop", "phone"]
    listed = client_for(agent).get("/api/ticket-fields/").json()
    assert [f["key"] for f in listed] == ["product"]
    assert client_for(agent).get("/api/ticket-fields/product/").json()["label"] == "Product"


def test_an_agent_cannot_define_change_or_delete_a_field(agent, product):
    api = client_for(agent)
    assert api.post("/api/ticket-fields/", {"key": "x", "label": "X", "type": "text"}, format="json").status_code == 403
    assert api.patch("/api/ticket-fields/product/", {"label": "Y"}, format="json").status_code == 403
    assert api.delete("/api/ticket-fields/product/").status_code == 403
    assert TicketField.objects.get(key="product").label == "Product"


def test_a_bad_definition_is_a_400_naming_the_field(manager, product):
    api = client_for(manager)
    assert (
        "key" in api.post("/api/ticket-fields/", {"key": "Bad Key", "label": "X", "type": "text"}, format="json").json()
    )
    assert (
        "key" in api.post("/api/ticket-fields/", {"key": "product", "label": "X", "type": "text"}, format="json").json()
    )
    assert (
        "choices" in api.post("/api/ticket-fields/", {"key": "c", "label": "C", "type": "choice"}, format="json").json()
    )
    assert "type" in api.post("/api/ticket-fields/", {"key": "d", "label": "D", "type": "colour"}, format="json").json()
    assert "type" in api.patch("/api/ticket-fields/product/", {"type": "text"}, format="json").json()


def test_a_manager_changes_and_deletes_a_field(manager, product):
    api = client_for(manager)
    response = api.patch("/api/ticket-fields/product/", {"label": "Device", "required_to_solve": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["label"] == "Device" and response.json()["required_to_solve"] is False
    assert api.delete("/api/ticket-fields/product/").status_code == 204
    assert not TicketField.objects.exists()


def test_tickets_carry_fields_in_get_post_and_patch(agent, support_queue, product, order):
    api = client_for(agent)
    created = api.post(
        "/api/tickets/",
        {
            "subject": "Screen broken",
            "body": "It cracked",
            "customer_email": "c@example.com",
            "queue": "general",
            "fields": {"product": "laptop", "order": "1234"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["fields"] == {"product": "laptop", "order": 1234}
    pk = created.json()["id"]
    patched = api.patch(f"/api/tickets/{pk}/", {"fields": {"product": "phone", "order": None}}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["fields"] == {"product": "phone"}
    assert api.get(f"/api/tickets/{pk}/").json()["fields"] == {"product": "phone"}


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"product": "toaster"}, "fields.product"),
        ({"order": "twelve"}, "fields.order"),
        ({"order": True}, "fields.order"),
        ({"nonexistent": 1}, "fields.nonexistent"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field(agent, ticket, product, order, values, name):
    response = client_for(agent).patch(f"/api/tickets/{ticket.pk}/", {"fields": values}, format="json")
    assert response.status_code == 400
    assert name in response.json()


def test_each_type_is_validated(manager, ticket):
    create_ticket_field(by=manager, key="vip", label="VIP", type="checkbox")
    create_ticket_field(by=manager, key="due", label="Due", type="date")
    create_ticket_field(by=manager, key="note", label="Note", type="text")
    set_field_values(ticket=ticket, values={"vip": "true", "due": "2026-12-24", "note": " hi "}, by=manager)
    ticket.refresh_from_db()
    assert ticket.fields == {"vip": True, "due": "2026-12-24", "note": "hi"}
    api = client_for(manager)
    assert "fields.due" in api.patch(f"/api/tickets/{ticket.pk}/", {"fields": {"due": "24/12"}}, format="json").json()
    assert "fields.vip" in api.patch(f"/api/tickets/{ticket.pk}/", {"fields": {"vip": "maybe"}}, format="json").json()
    assert "fields" in api.patch(f"/api/tickets/{ticket.pk}/", {"fields": ["x"]}, format="json").json()


def test_a_field_of_another_queue_does_not_apply(manager, ticket, billing_queue):
    create_ticket_field(by=manager, key="invoice", label="Invoice", type="text", queue=billing_queue)
    response = client_for(manager).patch(f"/api/tickets/{ticket.pk}/", {"fields": {"invoice": "A1"}}, format="json")
    assert response.status_code == 400 and "fields.invoice" in response.json()


def test_a_value_change_is_one_history_event_with_raw_values(agent, ticket, order):
    set_field_values(ticket=ticket, values={"order": 5}, by=agent)
    set_field_values(ticket=ticket, values={"order": 7}, by=agent)
    set_field_values(ticket=ticket, values={"order": 7}, by=agent)
    events = list(ticket.events.filter(kind=EventKind.FIELD))
    assert [(e.old_value, e.new_value) for e in events] == [("", "5"), ("5", "7")]
    assert events[1].data == {"key": "order", "old": 5, "new": 7}


def test_solving_is_refused_while_a_required_field_is_empty(agent, ticket, product):
    api = client_for(agent)
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert response.status_code == 400
    assert "fields.product" in response.json()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    response = api.patch(
        f"/api/tickets/{ticket.pk}/", {"status": "solved", "fields": {"product": "phone"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "solved"


def test_a_required_field_of_another_queue_does_not_block_solving(manager, ticket, billing_queue):
    create_ticket_field(
        by=manager, key="invoice", label="Invoice", type="text", queue=billing_queue, required_to_solve=True
    )
    services.solve_ticket(ticket=ticket, by=manager)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_the_list_filters_by_a_field(agent, support_queue, product, order):
    laptop = TicketFactory(queue=support_queue, fields={"product": "laptop", "order": 12})
    TicketFactory(queue=support_queue, fields={"product": "phone"})
    TicketFactory(queue=support_queue)
    api = client_for(agent)
    body = api.get("/api/tickets/?field.product=laptop").json()
    assert [row["id"] for row in body["results"]] == [laptop.pk]
    assert [row["id"] for row in api.get("/api/tickets/?field.order=12").json()["results"]] == [laptop.pk]


def test_a_bad_field_filter_is_a_400_naming_it(agent, product, order):
    api = client_for(agent)
    assert "field.colour" in api.get("/api/tickets/?field.colour=red").json()
    assert "field.order" in api.get("/api/tickets/?field.order=abc").json()
    assert api.get("/api/tickets/?field.product=toaster").status_code == 400


def test_the_field_filter_never_shows_tickets_one_may_not_see(agent, billing_queue, product):
    TicketFactory(queue=billing_queue, fields={"product": "laptop"})
    assert client_for(agent).get("/api/tickets/?field.product=laptop").json()["count"] == 0


def test_public_fields_appear_on_the_contact_form_and_reach_the_ticket(
    client, manager, support_queue, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    create_ticket_field(by=manager, key="model", label="Model", type="choice", choices=["X1", "X2"], public=True)
    create_ticket_field(by=manager, key="internal_code", label="Internal code", type="text")
    page = client.get("/contact/").content.decode()
    assert 'name="cf_model"' in page and "cf_internal_code" not in page
    data = {
        "name": "Rita",
        "email": "rita@example.pt",
        "queue": support_queue.pk,
        "subject": "Broken screen",
        "message": "It cracked.",
        "cf_model": "X2",
    }
    response = client.post("/contact/", data)
    assert response.status_code == 302, response.content
    from tickets.models import Ticket

    assert Ticket.objects.get().fields == {"model": "X2"}
    assert client.post("/contact/", {**data, "cf_model": "Z9"}).status_code == 400
