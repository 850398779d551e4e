"""The workbench pages of the agent's tools: fields panel, follow, merge, split, bulk bar, mentions."""

import pytest

from tickets.models import EventKind, Status, Ticket
from tickets.services_fields import create_ticket_field
from tickets.tests.factories import MessageFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client


def test_the_ticket_page_edits_custom_fields_inline(signed_in, manager, ticket):
    create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])
    page = signed_in.get(f"/tickets/{ticket.pk}/")
    assert b'name="field.product"' in page.content
    response = signed_in.post(f"/tickets/{ticket.pk}/fields/", {"field.product": "phone"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.fields == {"product": "phone"}
    signed_in.post(f"/tickets/{ticket.pk}/fields/", {"field.product": "toaster"})
    ticket.refresh_from_db()
    assert ticket.fields == {"product": "phone"}


def test_mutating_pages_refuse_get_and_outsiders(client, other_agent, ticket):
    client.force_login(other_agent)
    assert client.post(f"/tickets/{ticket.pk}/fields/", {}).status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/follow/", {"follow": "1"}).status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/merge/?into=1").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/split/").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/fields/").status_code == 405
    assert client.get("/tickets/bulk/").status_code == 405


def test_follow_and_unfollow(signed_in, agent, ticket):
    signed_in.post(f"/tickets/{ticket.pk}/follow/", {"follow": "1"})
    assert list(ticket.followers.all()) == [agent]
    signed_in.post(f"/tickets/{ticket.pk}/follow/", {"follow": "0"})
    assert not ticket.followers.exists()


def test_merge_asks_for_confirmation_first(signed_in, support_queue, customer):
    source = TicketFactory(queue=support_queue, customer=customer, status="open")
    target = TicketFactory(queue=support_queue, customer=customer, status="open")
    page = signed_in.get(f"/tickets/{source.pk}/merge/?into={target.reference}")
    assert page.status_code == 200 and b"cannot be undone" in page.content
    source.refresh_from_db()
    assert source.merged_into is None
    response = signed_in.post(f"/tickets/{source.pk}/merge/", {"into": target.pk, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{target.pk}/"
    source.refresh_from_db()
    assert source.merged_into == target and source.status == Status.CLOSED


def test_merge_into_a_ticket_one_may_not_see_is_refused(signed_in, ticket, billing_queue):
    hidden = TicketFactory(queue=billing_queue, status="open")
    signed_in.post(f"/tickets/{ticket.pk}/merge/", {"into": hidden.pk, "confirm": "1"})
    hidden.refresh_from_db()
    ticket.refresh_from_db()
    assert ticket.merged_into is None and hidden.status == "open"


def test_split_page_moves_the_chosen_messages(signed_in, ticket):
    keep = MessageFactory(ticket=ticket)
    move = MessageFactory(ticket=ticket)
    assert signed_in.get(f"/tickets/{ticket.pk}/split/").status_code == 200
    response = signed_in.post(f"/tickets/{ticket.pk}/split/", {"messages": [move.pk], "subject": "Other thing"})
    new = Ticket.objects.get(split_from=ticket)
    assert response["Location"] == f"/tickets/{new.pk}/"
    assert list(new.messages.all()) == [move] and list(ticket.messages.all()) == [keep]


def test_the_bulk_bar_changes_the_checked_tickets_and_reports_failures(signed_in, support_queue, billing_queue):
    a = TicketFactory(queue=support_queue, status="open")
    b = TicketFactory(queue=support_queue, status="closed")
    hidden = TicketFactory(queue=billing_queue, status="open")
    response = signed_in.post(
        "/tickets/bulk/", {"ids": [a.pk, b.pk, hidden.pk], "status": "pending", "back": "view=all"}, follow=True
    )
    text = response.content.decode()
    assert "1 tickets changed." in text and "2 tickets not changed" in text
    a.refresh_from_db()
    hidden.refresh_from_db()
    assert a.status == "pending" and hidden.status == "open"


def test_select_all_matching_changes_every_ticket_the_filters_match(signed_in, support_queue):
    tickets = [TicketFactory(queue=support_queue, status="open", priority="low") for _ in range(30)]
    TicketFactory(queue=support_queue, status="open", priority="high")
    signed_in.post("/tickets/bulk/", {"all_matching": "1", "back": "view=all&priority=low", "add_tags": "sweep"})
    assert Ticket.objects.filter(tags__name="sweep").count() == len(tickets)


def test_bulk_merge_confirms_then_merges_into_the_oldest(signed_in, support_queue, customer):
    first = TicketFactory(queue=support_queue, customer=customer, status="open")
    second = TicketFactory(queue=support_queue, customer=customer, status="open")
    page = signed_in.post("/tickets/bulk/", {"ids": [second.pk, first.pk], "action": "merge"})
    assert page.status_code == 200 and first.reference.encode() in page.content
    signed_in.post("/tickets/bulk/", {"ids": [second.pk, first.pk], "action": "merge", "confirm": "1"})
    second.refresh_from_db()
    assert second.merged_into == first
    assert first.events.filter(kind=EventKind.MERGED).exists()


def test_the_inbox_filters_by_a_custom_field(signed_in, manager, support_queue):
    create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])
    laptop = TicketFactory(queue=support_queue, status="open", fields={"product": "laptop"}, subject="Laptop one")
    TicketFactory(queue=support_queue, status="open", fields={"product": "phone"}, subject="Phone one")
    page = signed_in.get("/?view=all&field.product=laptop").content.decode()
    assert laptop.subject in page and "Phone one" not in page
    assert signed_in.get("/?view=all&field.product=toaster").status_code == 200


def test_mention_suggestions_offer_colleagues_by_prefix(signed_in, lead, teammate, other_agent):
    rows = signed_in.get("/mentions/?q=le").json()["results"]
    assert rows == [{"username": "lena", "name": "Lena Novak"}]
    names = [r["username"] for r in signed_in.get("/mentions/").json()["results"]]
    assert "bruno" not in names and "ana" not in names
