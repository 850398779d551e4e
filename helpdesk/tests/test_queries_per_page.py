"""Queries per page, pinned for every main page: the count does not grow with the data (3 vs 30
messages, 5 vs 50 rows) nor with the panels and badges the apps add, and stays within the target (12)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from agents.models import OffscriptKind
from feedback.models import NoticeKind
from insights.tests.conftest import at
from insights.tests.factories import make_action, make_survey
from notices.services import notify
from tickets import services
from tickets.models import Tag
from tickets.tests.factories import CustomerFactory, MessageFactory, TicketFactory

MAX_QUERIES = 12
MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}


def warm_queries(client: Client, path: str, params: dict | None = None) -> int:
    """Queries of the second view (the first fills the caches a worker keeps)."""
    assert client.get(path, params or {}).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_the_ticket_page_with_every_panel_takes_at_most_12_queries_however_long_the_thread(
    agent_client, agent, teammate, ticket, customer
):
    # Every panel shows something: tags, a follower, a merged ticket, an off-script action, a survey,
    # an e-mail sent, an internal request, other tickets of the customer; a notice and an unread badge.
    ticket.tags.add(Tag.objects.create(name="refund"))
    ticket.followers.add(agent)
    TicketFactory(queue=ticket.queue, customer=customer, merged_into=ticket, status="closed")
    kind, _ = OffscriptKind.objects.get_or_create(slug="refund", defaults={"name": "Refund", "currency": "EUR"})
    make_action(ticket=ticket, agent=agent, kind=kind, amount="10.00")
    make_survey(agent=agent, queue=ticket.queue, sent_at=at(2), rating=4, ticket=ticket)
    services.write_on_ticket(ticket=ticket, by=agent, body="We refunded you.", internal=False)
    notify(user=agent, kind=NoticeKind.ANSWER, target=ticket)
    path = reverse("tickets:detail", args=[ticket.pk])

    for i in range(2):
        MessageFactory(ticket=ticket, kind="customer", body=f"message {i}")
    few = warm_queries(agent_client, path)
    for i in range(27):
        MessageFactory(ticket=ticket, kind="customer" if i % 2 else "public", body=f"more {i}")
    many = warm_queries(agent_client, path)
    assert few == many <= MAX_QUERIES


def _tickets(n: int, queue, agent) -> None:
    for i in range(n):
        TicketFactory(queue=queue, customer=CustomerFactory(), assignee=agent if i % 2 else None, subject=f"parcel {i}")


@pytest.mark.parametrize(
    ("name", "params"),
    [("tickets:inbox", {}), ("tickets:inbox", {"q": "parcel"}), ("notices:list", {})],
    ids=["inbox", "search", "notices"],
)
def test_list_pages_take_the_same_queries_for_5_and_50_rows(agent_client, agent, support_queue, name, params):
    def fill(n: int) -> None:
        _tickets(n, support_queue, agent)
        for _ in range(n):
            notify(user=agent, kind=NoticeKind.ANSWER)

    fill(5)
    few = warm_queries(agent_client, reverse(name), params)
    fill(45)
    many = warm_queries(agent_client, reverse(name), params)
    assert few == many <= MAX_QUERIES


def test_the_api_list_takes_the_same_queries_for_5_and_50_tickets(agent, support_queue):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(agent)
    _tickets(5, support_queue, agent)
    few = warm_queries(api, "/api/tickets/")
    _tickets(45, support_queue, agent)
    many = warm_queries(api, "/api/tickets/")
    assert few == many <= MAX_QUERIES


@freeze_time("2026-04-02 12:00")
@pytest.mark.parametrize("name", ["insights:dashboard", "insights:operations"])
def test_the_report_pages_take_the_same_queries_for_5_and_50_surveys(client, manager, agent, support_queue, name):
    def fill(n: int) -> None:
        for i in range(n):
            make_survey(agent=agent, queue=support_queue, sent_at=at(1 + i % 28), rating=1 + i % 5)

    client.force_login(manager)
    assert client.get(reverse(name), MARCH).status_code == 200  # the menu's reference data, cached
    fill(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name), MARCH).status_code == 200
    fill(45)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name), MARCH).status_code == 200
    # Measured after a change (nothing cached can answer): the recomputation's count, whatever the data.
    assert len(few.captured_queries) == len(many.captured_queries)
