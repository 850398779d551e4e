"""The customer page: their record (editable) and the tickets the viewer may see."""

import pytest
from django.urls import reverse

from tickets.tests.factories import CustomerFactory, TicketFactory, UserFactory


def page(customer):
    return reverse("tickets:customer", args=[customer.pk])


def edit(customer):
    return reverse("tickets:customer_edit", args=[customer.pk])


DATA = {
    "name": "Eleni Papadopoulou",
    "language": "el",
    "organisation": "Olive Grove Foods",
    "notes": "Prefers mornings",
}


def test_the_customer_page_shows_the_record_and_visible_tickets(client, agent, ticket, billing_queue):
    hidden = TicketFactory(queue=billing_queue, customer=ticket.customer, subject="Billing only")
    client.force_login(agent)
    response = client.get(page(ticket.customer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "eleni@example.gr" in html and ticket.reference in html and hidden.reference not in html


def test_staff_edit_the_record(client, agent, ticket):
    client.force_login(agent)
    response = client.post(edit(ticket.customer), DATA)
    assert response.status_code == 302
    ticket.customer.refresh_from_db()
    assert ticket.customer.organisation == "Olive Grove Foods" and ticket.customer.notes == "Prefers mornings"
    assert "Customer record saved." in client.get(response["Location"]).content.decode()


def test_bad_input_is_refused_with_a_message(client, agent, ticket):
    client.force_login(agent)
    response = client.post(edit(ticket.customer), {**DATA, "language": "klingon"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    ticket.customer.refresh_from_db()
    assert ticket.customer.organisation == ""


def test_edit_is_post_only(client, agent, ticket):
    client.force_login(agent)
    assert client.get(edit(ticket.customer)).status_code == 405


def test_a_customer_without_tickets_i_can_see_is_hidden(client, agent, other_agent, ticket):
    stranger = CustomerFactory()
    client.force_login(agent)
    assert client.get(page(stranger)).status_code == 404
    client.force_login(other_agent)
    assert client.get(page(ticket.customer)).status_code == 404
    assert client.post(edit(ticket.customer), DATA).status_code == 404


def test_managers_see_any_customer(client, manager, db):
    client.force_login(manager)
    assert client.get(page(CustomerFactory())).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_non_staff_and_anonymous_are_refused(client, ticket, method):
    assert getattr(client, method)(page(ticket.customer)).status_code in (302, 405)
    client.force_login(UserFactory(username="visitor", role=None))
    expected = 403 if method == "get" else 405
    assert getattr(client, method)(page(ticket.customer)).status_code == expected
    assert client.post(edit(ticket.customer), DATA).status_code == 403
