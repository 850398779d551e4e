"""The side panel saves assignee, priority, queue, tags and custom fields together: one form, one POST, each
change through its own service; with htmx the panel is swapped in place."""

import pytest
from django.urls import reverse

from tickets.models import EventKind, TicketEvent
from tickets.services_fields import create_ticket_field
from tickets.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(ticket):
    return reverse("tickets:properties", args=[ticket.pk])


def panel(ticket, **changes):
    data = {"assignee": ticket.assignee_id or "", "priority": ticket.priority, "queue": ticket.queue_id, "tags": ""}
    return {**data, **changes}


def test_one_save_changes_several_properties_each_in_the_history(client, agent, teammate, ticket):
    client.force_login(agent)
    response = client.post(url(ticket), panel(ticket, assignee=teammate.pk, priority="urgent", tags="Refund, vip"))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == teammate and ticket.priority == "urgent"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {EventKind.ASSIGNEE, EventKind.PRIORITY, EventKind.TAGS} <= kinds


def test_unchanged_properties_leave_no_history(client, agent, ticket):
    client.force_login(agent)
    client.post(url(ticket), panel(ticket))
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_custom_fields_are_saved_with_the_rest(client, agent, manager, ticket):
    create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    form = page.split('id="properties-form"')[1].split("</form>")[0]
    assert 'name="field.product"' in form and 'name="priority"' in form  # the fields are in the one form
    client.post(url(ticket), {**panel(ticket, priority="high"), "field.product": "phone"})
    ticket.refresh_from_db()
    assert ticket.fields == {"product": "phone"} and ticket.priority == "high"


def test_with_htmx_the_answer_is_the_page_to_swap_in_place(client, agent, ticket):
    client.force_login(agent)
    response = client.post(url(ticket), panel(ticket, priority="high"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "latitude:changed" in response["HX-Trigger"]
    assert 'id="props-card"' in html and 'id="ticket-header"' in html and 'id="history-card"' in html
    assert 'hx-select="#props-card"' in html and "Saved." in html


def test_a_refused_change_changes_nothing(client, agent, other_agent, ticket):
    """All or nothing: a bad assignee keeps the priority too."""
    client.force_login(agent)
    response = client.post(url(ticket), panel(ticket, assignee=other_agent.pk, priority="urgent"), follow=True)
    assert "Select a valid choice" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.priority == "normal"


def test_a_refused_custom_field_value_rolls_back_the_rest(client, agent, manager, ticket):
    create_ticket_field(by=manager, key="units", label="Units", type="number")
    client.force_login(agent)
    response = client.post(
        url(ticket), {**panel(ticket, priority="urgent"), "field.units": "many"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "normal" and not ticket.fields


def test_moving_out_of_sight_sends_the_agent_to_the_inbox(client, agent, ticket, billing_queue):
    client.force_login(agent)
    response = client.post(url(ticket), panel(ticket, queue=billing_queue.pk, assignee=""), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("tickets:inbox")


def test_the_save_is_post_only_and_for_insiders(client, agent, other_agent, ticket):
    client.force_login(agent)
    assert client.get(url(ticket)).status_code == 405
    client.force_login(other_agent)
    assert client.post(url(ticket), panel(ticket, priority="urgent")).status_code == 404
    client.force_login(UserFactory(username="visitor", role=None))
    assert client.post(url(ticket), panel(ticket, priority="urgent")).status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
