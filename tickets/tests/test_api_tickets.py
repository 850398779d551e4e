"""The ticket API: list with filters, create, read, and PATCH through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tickets.models import Channel, EventKind, Message, MessageKind, Status, Tag, Ticket, TicketEvent
from tickets.tests.factories import CustomerFactory, MessageFactory, QueueFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(agent):
    return client_for(agent)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- list ---------------------------------------------------------------------------------------


def test_the_list_is_paginated_and_newest_activity_first(api, support_queue):
    now = timezone.now()
    old = TicketFactory(queue=support_queue, updated_at=now - dt.timedelta(days=2))
    new = TicketFactory(queue=support_queue, updated_at=now)
    body = api.get("/api/tickets/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [new.pk, old.pk]


def test_a_ticket_shows_everything_an_integration_needs(api, ticket):
    Tag.objects.create(name="refund")
    ticket.tags.set(Tag.objects.all())
    row = api.get("/api/tickets/").json()["results"][0]
    assert row["id"] == ticket.pk
    assert row["reference"] == f"LAT-{ticket.pk:06d}"
    assert row["subject"] == "Charged twice for my order"
    assert row["status"] == "open"
    assert row["queue"] == {"id": ticket.queue.pk, "slug": "general", "name": "General support"}
    assert row["assignee"] == "ana"
    assert row["customer"] == {
        "id": ticket.customer.pk,
        "name": "Eleni Papadopoulou",
        "email": "eleni@example.gr",
        "language": "el",
    }
    assert row["tags"] == ["refund"]
    for key in ("channel", "language", "created_at", "updated_at", "first_response_due", "resolution_due"):
        assert key in row
    assert row["sla_state"] in {"none", "ok", "near_breach", "breached"}


def test_page_size_is_capped_and_next_links_the_following_page(api, support_queue):
    TicketFactory.create_batch(3, queue=support_queue)
    body = api.get("/api/tickets/?page_size=2").json()
    assert len(body["results"]) == 2 and body["next"] and "page=2" in body["next"]
    assert len(api.get("/api/tickets/?page_size=2&page=2").json()["results"]) == 1


@pytest.mark.parametrize("page", ["99999999999999999999999999", "abc", "-1", "0"])
def test_a_page_that_does_not_exist_is_a_json_404_not_a_500(api, ticket, page):
    response = api.get(f"/api/tickets/?page={page}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_it_filters_by_status_one_or_several(api, support_queue):
    new = TicketFactory(queue=support_queue, status="new")
    pending = TicketFactory(queue=support_queue, status="pending")
    TicketFactory(queue=support_queue, status="solved")
    assert ids(api.get("/api/tickets/?status=new")) == [new.pk]
    assert set(ids(api.get("/api/tickets/?status=new,pending"))) == {new.pk, pending.pk}


def test_an_unknown_status_is_a_400_naming_the_field(api, ticket):
    response = api.get("/api/tickets/?status=lost")
    assert response.status_code == 400
    assert "status" in response.json()
    assert "lost" in response.json()["status"][0]


def test_it_filters_by_queue_id_or_slug(support_queue, manager, billing_queue):
    api = client_for(manager)
    mine = TicketFactory(queue=support_queue)
    TicketFactory(queue=billing_queue)
    assert ids(api.get("/api/tickets/?queue=general")) == [mine.pk]
    assert ids(api.get(f"/api/tickets/?queue={support_queue.pk}")) == [mine.pk]


def test_an_unknown_queue_is_a_400_naming_the_field(api, ticket):
    response = api.get("/api/tickets/?queue=nowhere")
    assert response.status_code == 400
    assert "nowhere" in response.json()["queue"][0]


def test_it_filters_by_assignee_id_username_or_none(api, support_queue, agent, teammate):
    ana = TicketFactory(queue=support_queue, assignee=agent)
    tomas = TicketFactory(queue=support_queue, assignee=teammate)
    nobody = TicketFactory(queue=support_queue, assignee=None)
    assert ids(api.get("/api/tickets/?assignee=ana")) == [ana.pk]
    assert ids(api.get(f"/api/tickets/?assignee={teammate.pk}")) == [tomas.pk]
    assert ids(api.get("/api/tickets/?assignee=none")) == [nobody.pk]
    response = api.get("/api/tickets/?assignee=ghost")
    assert response.status_code == 400 and "assignee" in response.json()


def test_it_filters_by_customer_id_or_email(api, support_queue, customer):
    theirs = TicketFactory(queue=support_queue, customer=customer)
    TicketFactory(queue=support_queue)
    assert ids(api.get("/api/tickets/?customer=ELENI@example.gr")) == [theirs.pk]
    assert ids(api.get(f"/api/tickets/?customer={customer.pk}")) == [theirs.pk]
    # An address never seen is a customer without tickets, not an error.
    assert ids(api.get("/api/tickets/?customer=nobody@example.com")) == []


def test_it_filters_by_priority_and_tag(api, support_queue):
    urgent = TicketFactory(queue=support_queue, priority="urgent")
    tagged = TicketFactory(queue=support_queue)
    tagged.tags.add(Tag.objects.create(name="vip"))
    assert ids(api.get("/api/tickets/?priority=urgent")) == [urgent.pk]
    assert ids(api.get("/api/tickets/?tag=vip")) == [tagged.pk]
    assert api.get("/api/tickets/?priority=whenever").status_code == 400


def test_full_text_search_finds_subject_and_message_text(api, support_queue):
    from tickets import services

    hit = services.create_ticket(
        subject="Parcel never arrived", body="Tracking says Lisbon", customer_email="a@example.com", queue=support_queue
    )
    services.add_message(ticket=hit, by=None, body="We contacted the courier Zephyrus", internal=True)
    services.create_ticket(
        subject="Invoice copy", body="Please resend", customer_email="b@example.com", queue=support_queue
    )
    assert ids(api.get("/api/tickets/?q=parcel")) == [hit.pk]
    assert ids(api.get("/api/tickets/?q=zephyrus")) == [hit.pk]
    assert ids(api.get(f"/api/tickets/?q={hit.reference}")) == [hit.pk]
    assert ids(api.get("/api/tickets/?q=kangaroo")) == []


@pytest.mark.parametrize("query", ["'", '"unbalanced', "a & | !", "(((", "x" * 500])
def test_search_never_fails_on_odd_input(api, ticket, query):
    assert api.get("/api/tickets/", {"q": query}).status_code == 200


def test_ordering_by_each_allowed_key(api, support_queue):
    now = timezone.now()
    low = TicketFactory(queue=support_queue, priority="low", created_at=now - dt.timedelta(days=3), updated_at=now)
    urgent = TicketFactory(
        queue=support_queue, priority="urgent", created_at=now, updated_at=now - dt.timedelta(days=1)
    )
    assert ids(api.get("/api/tickets/?ordering=-priority")) == [urgent.pk, low.pk]
    assert ids(api.get("/api/tickets/?ordering=priority")) == [low.pk, urgent.pk]
    assert ids(api.get("/api/tickets/?ordering=created_at")) == [low.pk, urgent.pk]
    assert ids(api.get("/api/tickets/?ordering=-created_at")) == [urgent.pk, low.pk]
    assert ids(api.get("/api/tickets/?ordering=updated_at")) == [urgent.pk, low.pk]
    assert ids(api.get("/api/tickets/?ordering=-id")) == [urgent.pk, low.pk]


def test_an_unknown_ordering_is_a_400_naming_the_field(api, ticket):
    response = api.get("/api/tickets/?ordering=password")
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_the_list_query_count_does_not_grow_with_rows(api, support_queue, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            t = TicketFactory(queue=support_queue, assignee=UserFactory(), customer=CustomerFactory())
            t.tags.add(Tag.objects.get_or_create(name=f"tag{t.pk % 3}")[0])

    fill(2)
    # user's groups, profile, count, page, tags prefetch: five, whatever the page holds.
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/tickets/").json()["results"]) == 2
    fill(20)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/tickets/").json()["results"]) == 22
    with django_assert_max_num_queries(8):
        assert api.get("/api/tickets/?queue=general&assignee=none&status=open&q=word").status_code == 200


# --- create -------------------------------------------------------------------------------------


def test_post_opens_a_ticket_through_the_api_channel(api, support_queue, agent):
    response = api.post(
        "/api/tickets/",
        {
            "subject": "Cannot log in",
            "body": "The page says my password expired.",
            "customer_email": "Joao@Example.pt",
            "customer_name": "João",
            "queue": "general",
            "priority": "high",
            "language": "pt",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["channel"] == Channel.API == ticket.channel
    assert body["status"] == "new" and body["priority"] == "high" and body["language"] == "pt"
    assert body["customer"]["email"] == "joao@example.pt" and body["customer"]["name"] == "João"
    assert body["queue"]["slug"] == "general"
    assert ticket.messages.get().kind == MessageKind.CUSTOMER
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED, actor=agent).exists()


def test_post_requires_subject_body_and_a_valid_email(api, support_queue):
    response = api.post("/api/tickets/", {"customer_email": "not-an-address"}, format="json")
    assert response.status_code == 400
    assert {"subject", "body", "customer_email"} <= set(response.json())
    assert not Ticket.objects.exists()


def test_post_with_a_blank_subject_is_refused(api, support_queue):
    response = api.post(
        "/api/tickets/", {"subject": "   ", "body": "x", "customer_email": "a@example.com"}, format="json"
    )
    assert response.status_code == 400 and "subject" in response.json()


def test_post_to_an_unknown_queue_names_the_queue(api, support_queue):
    response = api.post(
        "/api/tickets/",
        {"subject": "Hi", "body": "Hello", "customer_email": "a@example.com", "queue": "atlantis"},
        format="json",
    )
    assert response.status_code == 400
    assert "atlantis" in response.json()["queue"][0]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"priority": "asap"}, "priority"),
        ({"language": "klingon"}, "language"),
        ({"queue": ["general"]}, "queue"),
        ({"queue": True}, "queue"),
        ({"subject": {"a": 1}}, "subject"),
        ({"subject": "x" * 301}, "subject"),
    ],
)
def test_post_with_wrong_types_is_a_400_naming_the_field(api, support_queue, payload, field):
    data = {"subject": "Hi", "body": "Hello", "customer_email": "a@example.com", **payload}
    response = api.post("/api/tickets/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null", '"a string"'])
def test_malformed_json_is_a_400_not_a_500(api, support_queue, raw):
    response = api.generic("POST", "/api/tickets/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


# --- detail and PATCH ---------------------------------------------------------------------------


def test_get_one_ticket(api, ticket):
    response = api.get(f"/api/tickets/{ticket.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == ticket.reference


def test_a_missing_ticket_is_a_json_404(api, ticket):
    response = api.get("/api/tickets/999999/")
    assert response.status_code == 404 and "detail" in response.json()


def test_patch_changes_status_through_the_service_and_records_it(api, ticket, agent):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "solved"
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.solved_at is not None
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS, new_value="solved", actor=agent).exists()


def test_patch_can_reopen_a_solved_ticket(api, ticket):
    api.patch(f"/api/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "open"


def test_an_invalid_transition_is_a_400_naming_status(api, ticket):
    ticket.status = Status.CLOSED
    ticket.save()
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    assert "closed" in response.json()["status"][0].lower()


def test_patch_assigns_by_username_or_id_and_unassigns_with_null(api, ticket, teammate):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": "tomas"}, format="json")
    assert response.json()["assignee"] == "tomas"
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": teammate.pk}, format="json")
    assert response.json()["assignee"] == "tomas"
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": None}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] is None
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNEE).count() == 2


def test_assigning_a_new_ticket_opens_it(api, support_queue, teammate):
    fresh = TicketFactory(queue=support_queue, status="new")
    response = api.patch(f"/api/tickets/{fresh.pk}/", {"assignee": "tomas", "status": "pending"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending" and response.json()["assignee"] == "tomas"


def test_patch_refuses_an_unknown_assignee_or_a_customer_account(api, ticket):
    UserFactory(username="outsider", role=None)
    for value in ("ghost", "outsider", 99999):
        response = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": value}, format="json")
        assert response.status_code == 400 and "assignee" in response.json(), value
    ticket.refresh_from_db()
    assert ticket.assignee.username == "ana"


def test_patch_sets_priority_and_recomputes_sla_targets(api, ticket):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"priority": "urgent"}, format="json")
    assert response.status_code == 200 and response.json()["priority"] == "urgent"
    ticket.refresh_from_db()
    assert ticket.resolution_due == ticket.created_at + dt.timedelta(hours=4)


def test_patch_moves_to_a_queue_by_slug(api, ticket, support):
    QueueFactory(name="Returns", slug="returns", department=support)
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"queue": "returns"}, format="json")
    assert response.status_code == 200 and response.json()["queue"]["slug"] == "returns"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.QUEUE, new_value="Returns").exists()


def test_patch_sets_tags(api, ticket):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"tags": ["VIP", "refund"]}, format="json")
    assert response.json()["tags"] == ["refund", "vip"]


def test_nothing_is_half_saved_when_one_change_is_refused(api, ticket, support):
    QueueFactory(name="Returns", slug="returns", department=support)
    ticket.status = Status.CLOSED
    ticket.save()
    before = TicketEvent.objects.count()
    response = api.patch(
        f"/api/tickets/{ticket.pk}/",
        {"queue": "returns", "priority": "urgent", "assignee": None, "status": "pending"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()
    ticket.refresh_from_db()
    assert (ticket.queue.slug, ticket.priority, ticket.assignee.username) == ("general", "normal", "ana")
    assert TicketEvent.objects.count() == before


def test_patch_with_an_unknown_queue_changes_nothing(api, ticket):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"queue": "atlantis", "priority": "high"}, format="json")
    assert response.status_code == 400 and "queue" in response.json()
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"status": "lost"}, "status"),
        ({"status": 3}, "status"),
        ({"priority": None}, "priority"),
        ({"tags": "vip"}, "tags"),
        ({"subject": "renamed"}, "subject"),
    ],
)
def test_patch_with_bad_values_is_a_400_naming_the_field(api, ticket, payload, field):
    response = api.patch(f"/api/tickets/{ticket.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_put_is_not_offered(api, ticket):
    assert api.put(f"/api/tickets/{ticket.pk}/", {"status": "solved"}, format="json").status_code == 405


def test_patch_of_a_ticket_one_may_not_see_is_404_and_changes_nothing(ticket, other_agent):
    response = client_for(other_agent).patch(f"/api/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "open"


# --- messages -----------------------------------------------------------------------------------


def test_messages_list_oldest_first_with_authors(api, ticket, agent):
    now = timezone.now()
    first = MessageFactory(ticket=ticket, kind=MessageKind.CUSTOMER, created_at=now - dt.timedelta(hours=1))
    note = MessageFactory(ticket=ticket, kind=MessageKind.NOTE, author=agent, created_at=now)
    body = api.get(f"/api/tickets/{ticket.pk}/messages/").json()
    assert [m["id"] for m in body["results"]] == [first.pk, note.pk]
    assert body["results"][0]["author"] is None and body["results"][0]["internal"] is False
    assert body["results"][1]["author"] == "ana" and body["results"][1]["internal"] is True


def test_message_list_query_count_does_not_grow(api, ticket, agent, django_assert_max_num_queries):
    MessageFactory.create_batch(3, ticket=ticket, author=agent, kind=MessageKind.REPLY)
    with django_assert_max_num_queries(7):
        api.get(f"/api/tickets/{ticket.pk}/messages/")
    MessageFactory.create_batch(20, ticket=ticket, author=UserFactory(), kind=MessageKind.REPLY)
    with django_assert_max_num_queries(7):
        assert api.get(f"/api/tickets/{ticket.pk}/messages/").json()["count"] == 23


def test_posting_a_public_reply(api, ticket, agent):
    response = api.post(f"/api/tickets/{ticket.pk}/messages/", {"body": "We refunded you."}, format="json")
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.kind == MessageKind.REPLY and message.author == agent
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_posting_an_internal_note(api, ticket):
    response = api.post(
        f"/api/tickets/{ticket.pk}/messages/", {"body": "Customer is a VIP.", "internal": True}, format="json"
    )
    assert response.status_code == 201 and response.json()["internal"] is True
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_public_reply_is_emailed_to_the_customer_and_a_note_is_not(api, ticket, django_capture_on_commit_callbacks):
    from mailroom.models import OutboundEmail

    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/tickets/{ticket.pk}/messages/", {"body": "Internal only.", "internal": True}, format="json")
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/tickets/{ticket.pk}/messages/", {"body": "Your refund is on its way."}, format="json")
    email = OutboundEmail.objects.get(ticket=ticket)
    assert "eleni@example.gr" in email.to


@pytest.mark.parametrize("payload", [{}, {"body": "   "}, {"body": "Hi", "internal": "perhaps"}, {"body": ["x"]}])
def test_posting_a_bad_message_is_a_400_naming_the_field(api, ticket, payload):
    response = api.post(f"/api/tickets/{ticket.pk}/messages/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"body", "internal"}
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_public_reply_on_a_closed_ticket_is_refused(api, ticket):
    ticket.status = Status.CLOSED
    ticket.save()
    response = api.post(f"/api/tickets/{ticket.pk}/messages/", {"body": "Hello?"}, format="json")
    assert response.status_code == 400 and "body" in response.json()


def test_the_fast_representation_matches_the_declared_fields(ticket, agent):
    from rest_framework import serializers

    from tickets.api import TicketSerializer

    Tag.objects.create(name="vip")
    ticket.tags.set(Tag.objects.all())
    ticket.first_response_due = timezone.now()
    ticket.save()
    ticket = Ticket.objects.select_related("queue", "assignee", "customer").get(pk=ticket.pk)
    fast = TicketSerializer(ticket).data
    slow = serializers.ModelSerializer.to_representation(TicketSerializer(ticket), ticket)
    assert fast == slow


@pytest.mark.parametrize(
    "url",
    [
        "/api/tickets/99999999999999999999999/",
        "/api/tickets/99999999999999999999999/messages/",
        "/api/tickets/?queue=99999999999999999999999",
        "/api/tickets/?assignee=99999999999999999999999",
    ],
)
def test_ids_beyond_any_integer_are_not_a_500(api, ticket, url):
    response = api.get(url)
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_a_customer_id_beyond_any_integer_simply_has_no_tickets(api, ticket):
    assert ids(api.get("/api/tickets/?customer=99999999999999999999999")) == []


def test_an_unknown_api_address_answers_json(api):
    response = api.get("/api/tickets/abc/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_list_never_loads_the_search_text(api, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/tickets/").status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "search_document" in q["sql"]]
