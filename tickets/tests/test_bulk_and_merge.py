"""Bulk changes, merging and splitting: through the single services, never past what one may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tickets import services
from tickets.models import EventKind, Message, MessageKind, Status, Ticket
from tickets.services_bulk import merge_tickets
from tickets.services_fields import create_ticket_field
from tickets.tests.factories import MessageFactory, TicketFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_bulk_change_goes_through_each_ticket_with_one_event_per_change(agent, support_queue):
    tickets = [TicketFactory(queue=support_queue, status="open") for _ in range(3)]
    response = client_for(agent).post(
        "/api/tickets/bulk/",
        {"ids": [t.pk for t in tickets], "changes": {"priority": "high", "add_tags": ["vip"], "assignee": "ana"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"results": [{"id": t.pk, "ok": True} for t in tickets]}
    for t in tickets:
        t.refresh_from_db()
        assert t.priority == "high" and t.assignee == agent
        assert list(t.tags.values_list("name", flat=True)) == ["vip"]
        assert t.events.filter(kind=EventKind.PRIORITY).count() == 1
        assert t.events.filter(kind=EventKind.TAGS).count() == 1


def test_tickets_one_may_not_see_are_reported_not_found_and_left_alone(agent, support_queue, billing_queue):
    mine = TicketFactory(queue=support_queue, status="open")
    theirs = TicketFactory(queue=billing_queue, status="open")
    response = client_for(agent).post(
        "/api/tickets/bulk/", {"ids": [mine.pk, theirs.pk, 999999], "changes": {"status": "pending"}}, format="json"
    )
    results = response.json()["results"]
    assert results[0] == {"id": mine.pk, "ok": True}
    assert results[1]["ok"] is False and results[1]["error"] == "Not found."
    assert results[2]["ok"] is False
    theirs.refresh_from_db()
    assert theirs.status == "open" and not theirs.events.exists()


def test_one_refused_ticket_does_not_stop_the_others(agent, manager, support_queue):
    create_ticket_field(by=manager, key="product", label="Product", type="text", required_to_solve=True)
    ready = TicketFactory(queue=support_queue, status="open", fields={"product": "laptop"})
    missing = TicketFactory(queue=support_queue, status="open")
    closed = TicketFactory(queue=support_queue, status="closed")
    response = client_for(agent).post(
        "/api/tickets/bulk/", {"ids": [ready.pk, missing.pk, closed.pk], "changes": {"status": "solved"}}, format="json"
    )
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[ready.pk]["ok"] is True
    assert results[missing.pk]["ok"] is False and results[missing.pk]["field"] == "fields.product"
    assert results[closed.pk]["ok"] is False and results[closed.pk]["field"] == "status"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ids": [], "changes": {"status": "open"}},
        {"ids": ["x"], "changes": {"status": "open"}},
        {"ids": [1], "changes": {}},
        {"ids": [1], "changes": {"status": "lost"}},
        {"ids": [1], "changes": {"subject": "x"}},
        {"ids": [1], "changes": {"assignee": "nobody"}},
        {"ids": list(range(1, 1003)), "changes": {"status": "open"}},
    ],
)
def test_bad_bulk_input_is_a_400(agent, payload):
    assert client_for(agent).post("/api/tickets/bulk/", payload, format="json").status_code == 400


def test_anonymous_callers_and_customers_cannot_bulk_change(client, support_queue):
    assert (
        APIClient().post("/api/tickets/bulk/", {"ids": [1], "changes": {"status": "open"}}, format="json").status_code
        == 401
    )


def test_500_tickets_change_in_one_request(agent, support_queue):
    ids = [TicketFactory(queue=support_queue, status="open").pk for _ in range(500)]
    response = client_for(agent).post(
        "/api/tickets/bulk/", {"ids": ids, "changes": {"status": "pending"}}, format="json"
    )
    assert all(r["ok"] for r in response.json()["results"])
    assert Ticket.objects.filter(status="pending").count() == 500


# --- merge ----------------------------------------------------------------------------------------


@pytest.fixture
def pair(support_queue, customer):
    now = timezone.now()
    target = TicketFactory(
        queue=support_queue, customer=customer, status="open", created_at=now - dt.timedelta(hours=5)
    )
    source = TicketFactory(
        queue=support_queue, customer=customer, status="open", created_at=now - dt.timedelta(hours=3)
    )
    MessageFactory(ticket=target, kind=MessageKind.CUSTOMER, body="first", created_at=now - dt.timedelta(hours=5))
    MessageFactory(ticket=source, kind=MessageKind.CUSTOMER, body="second", created_at=now - dt.timedelta(hours=3))
    MessageFactory(ticket=target, kind=MessageKind.REPLY, body="third", created_at=now - dt.timedelta(hours=1))
    return source, target


def test_merging_moves_the_thread_in_time_order_and_closes_the_ticket(agent, pair):
    source, target = pair
    response = client_for(agent).post(f"/api/tickets/{source.pk}/merge/", {"into": target.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk
    assert list(target.messages.values_list("body", flat=True)) == ["first", "second", "third"]
    source.refresh_from_db()
    assert source.status == Status.CLOSED and source.merged_into == target
    assert client_for(agent).get(f"/api/tickets/{source.pk}/").json()["merged_into"] == target.pk
    assert source.events.get(kind=EventKind.MERGED).new_value == target.reference
    assert target.events.get(kind=EventKind.MERGED).old_value == source.reference


def test_a_customer_reply_to_a_merged_ticket_lands_on_the_target(agent, pair):
    source, target = pair
    merge_tickets(ticket=source, into=target, by=agent)
    message = services.add_customer_message(ticket=source, body="any news?")
    assert message.ticket_id == target.pk


def test_one_cannot_merge_into_or_from_a_ticket_one_may_not_see(agent, pair, billing_queue):
    source, _target = pair
    hidden = TicketFactory(queue=billing_queue, status="open")
    api = client_for(agent)
    response = api.post(f"/api/tickets/{source.pk}/merge/", {"into": hidden.pk}, format="json")
    assert response.status_code == 400 and "into" in response.json()
    assert api.post(f"/api/tickets/{hidden.pk}/merge/", {"into": source.pk}, format="json").status_code == 404
    hidden.refresh_from_db()
    assert hidden.status == "open" and hidden.merged_into is None


@pytest.mark.parametrize("into", ["x", None, 0])
def test_bad_merge_input_is_a_400(agent, pair, into):
    source, _target = pair
    assert client_for(agent).post(f"/api/tickets/{source.pk}/merge/", {"into": into}, format="json").status_code == 400


def test_merging_into_itself_or_a_closed_ticket_is_refused(agent, pair, support_queue):
    source, target = pair
    api = client_for(agent)
    assert "into" in api.post(f"/api/tickets/{source.pk}/merge/", {"into": source.pk}, format="json").json()
    closed = TicketFactory(queue=support_queue, status="closed")
    assert "into" in api.post(f"/api/tickets/{source.pk}/merge/", {"into": closed.pk}, format="json").json()
    merge_tickets(ticket=source, into=target, by=agent)
    assert api.post(f"/api/tickets/{source.pk}/merge/", {"into": target.pk}, format="json").status_code == 400


# --- split ----------------------------------------------------------------------------------------


def test_splitting_moves_messages_to_a_new_ticket_for_the_same_customer(agent, pair):
    _source, target = pair
    second = target.messages.order_by("created_at").last()
    response = client_for(agent).post(
        f"/api/tickets/{target.pk}/split/", {"messages": [second.pk], "subject": "A new question"}, format="json"
    )
    assert response.status_code == 201, response.content
    new = Ticket.objects.get(pk=response.json()["id"])
    assert new.customer == target.customer and new.split_from == target and new.subject == "A new question"
    assert list(new.messages.all()) == [second]
    assert target.events.get(kind=EventKind.SPLIT).new_value == new.reference
    assert new.events.get(kind=EventKind.SPLIT).old_value == target.reference


def test_a_split_must_leave_a_message_and_take_only_this_tickets_messages(agent, pair):
    source, target = pair
    api = client_for(agent)
    every = list(target.messages.values_list("pk", flat=True))
    assert "messages" in api.post(f"/api/tickets/{target.pk}/split/", {"messages": every}, format="json").json()
    other = source.messages.first().pk
    assert "messages" in api.post(f"/api/tickets/{target.pk}/split/", {"messages": [other]}, format="json").json()
    assert Message.objects.get(pk=other).ticket_id == source.pk
