"""Side-by-side safety: while an agent writes, what the customer or colleagues write appears on the page;
a public reply that has not seen the newest customer message (or a colleague's reply) is refused until
the agent has it on screen and sends again."""

import pytest
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Message, MessageKind
from tickets.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(ticket):
    return MessageFactory(ticket=ticket, kind=MessageKind.CUSTOMER, body="My order never came.")


def _reply(client, ticket, seen, body="We are on it.", internal="0"):
    page = client.get(f"/tickets/{ticket.pk}/")
    token = page.context["composer"]["token"].value()
    return client.post(
        f"/tickets/{ticket.pk}/reply/", {"body": body, "internal": internal, "token": token, "seen": seen}
    )


def test_the_composer_carries_the_newest_message_on_the_page(client, agent, ticket, first):
    client.force_login(agent)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'name="seen" id="composer-seen" value="{first.pk}"' in html
    assert f"/tickets/{ticket.pk}/updates/?after={first.pk}" in html


def test_a_reply_that_missed_a_new_customer_message_is_refused_then_sent_once_confirmed(client, agent, ticket, first):
    client.force_login(agent)
    services.add_customer_message(ticket=ticket, body="Also, the invoice is wrong.")
    response = _reply(client, ticket, seen=first.pk, body="Here is the tracking number.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "wrote on this ticket while you were writing" in html
    assert "Also, the invoice is wrong." in html  # the new message is on the page now
    assert "Here is the tracking number." in html  # and the text is kept
    newest = Message.objects.filter(ticket=ticket).latest("pk").pk
    assert f'name="seen" id="composer-seen" value="{newest}"' in html
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()
    response = _reply(client, ticket, seen=newest, body="Here is the tracking number.")
    assert response.status_code == 302
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1


def test_a_colleagues_public_reply_also_asks_for_confirmation_but_an_internal_note_does_not(
    client, agent, teammate, ticket, first
):
    client.force_login(agent)
    services.add_message(ticket=ticket, by=teammate, body="Tracking: 123")
    assert _reply(client, ticket, seen=first.pk).status_code == 409
    assert _reply(client, ticket, seen=first.pk, body="Note to self", internal="1").status_code == 302


def test_own_messages_and_notes_do_not_count_as_unseen(client, agent, teammate, ticket, first):
    client.force_login(agent)
    services.add_message(ticket=ticket, by=agent, body="First answer")
    services.add_message(ticket=ticket, by=teammate, body="A note", internal=True)
    assert _reply(client, ticket, seen=first.pk).status_code == 302


def test_the_updates_endpoint_shows_what_others_wrote_since(client, agent, teammate, ticket, first):
    client.force_login(agent)
    empty = client.get(f"/tickets/{ticket.pk}/updates/", {"after": first.pk})
    assert empty.status_code == 200 and "new message" not in empty.content.decode()
    services.add_customer_message(ticket=ticket, body="Hello again")
    services.add_message(ticket=ticket, by=teammate, body="I replied already")
    services.add_message(ticket=ticket, by=agent, body="My own words")
    html = client.get(f"/tickets/{ticket.pk}/updates/", {"after": first.pk}).content.decode()
    assert "2 new messages while you were here" in html
    assert "Hello again" in html and "I replied already" in html and "My own words" not in html
    assert 'data-customer-wrote="1"' in html
    assert client.get(f"/tickets/{ticket.pk}/updates/", {"after": "x; drop"}).status_code == 200


def test_the_updates_endpoint_is_for_people_who_may_see_the_ticket(client, other_agent, ticket, first):
    client.force_login(other_agent)
    assert client.get(f"/tickets/{ticket.pk}/updates/").status_code == 404
    client.logout()
    assert client.get(f"/tickets/{ticket.pk}/updates/").status_code == 302


def test_the_api_refuses_a_stale_reply_with_409_naming_seen(agent, ticket, first):
    api = APIClient()
    api.force_authenticate(agent)
    services.add_customer_message(ticket=ticket, body="One more thing")
    url = f"/api/tickets/{ticket.pk}/messages/"
    response = api.post(url, {"body": "Answer", "internal": False, "seen": first.pk}, format="json")
    assert response.status_code == 409 and "seen" in response.json()
    assert api.post(url, {"body": "Answer", "internal": False, "seen": "abc"}, format="json").status_code == 400
    newest = Message.objects.filter(ticket=ticket).latest("pk").pk
    assert api.post(url, {"body": "Answer", "internal": False, "seen": newest}, format="json").status_code == 201
    # Without `seen` the API behaves as before.
    assert api.post(url, {"body": "Again", "internal": False}, format="json").status_code == 201
