"""A flash message of an htmx action is shown in that action's answer, never again on the next page load."""

import pytest
from django.urls import reverse

from agents.tests.factories import kind

pytestmark = pytest.mark.django_db


def record(client, ticket):
    url = reverse("agents:record", args=[ticket.pk])
    return client.post(url, {"kind": kind("refund").pk, "amount": "20", "reason": "Late"}, HTTP_HX_REQUEST="true")


def test_the_message_comes_with_the_htmx_answer_as_an_out_of_band_swap(client, ticket, agent, staffed):
    client.force_login(agent)
    html = record(client, ticket).content.decode()
    assert '<div id="flash" hx-swap-oob="innerHTML">' in html
    assert "is within your latitude" in html


def test_the_next_page_load_does_not_repeat_it(client, ticket, agent, staffed):
    client.force_login(agent)
    record(client, ticket)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "is within your latitude" not in page


def test_the_answer_asks_the_page_to_refresh_its_counts(client, ticket, agent, staffed):
    client.force_login(agent)
    assert "latitude:changed" in record(client, ticket)["HX-Trigger"]


def test_a_full_page_still_shows_messages_in_place(client, ticket, agent, staffed):
    client.force_login(agent)
    url = reverse("agents:record", args=[ticket.pk])
    response = client.post(url, {"kind": kind("refund").pk, "amount": "20", "reason": "Late"}, follow=True)
    html = response.content.decode()
    assert '<div id="flash">' in html and "is within your latitude" in html
