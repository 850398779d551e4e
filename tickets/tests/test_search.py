"""Search ignores accents and case in every language, and a bare number finds its ticket (API and inbox)."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tickets import services
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def written(support_queue):
    def open_ticket(subject, body):
        return services.create_ticket(subject=subject, body=body, customer_email="c@example.com", queue=support_queue)

    return {
        "pt": open_ticket("Pedido de cópia da fatura", "Preciso de uma CÓPIA para a contabilidade"),
        "el": open_ticket("Το κινητό δεν ανάβει", "Αγόρασα το κινητό την Τρίτη"),
        "sr": open_ticket("Račun nije stigao", "Poslali ste ga na pogrešnu adresu"),
        "other": open_ticket("Parcel late", "Where is it?"),
    }


@pytest.mark.parametrize(
    "query, lang",
    [
        ("copia", "pt"),
        ("CÓPIA", "pt"),
        ("Copia fatura", "pt"),
        ("κινητο", "el"),
        ("ΚΙΝΗΤΌ", "el"),
        ("racun", "sr"),
        ("RAČUN", "sr"),
    ],
)
def test_search_ignores_accents_and_case(api, written, query, lang):
    assert ids(api.get("/api/tickets/", {"q": query})) == [written[lang].pk]


def test_words_written_later_in_the_thread_are_found_without_accents(api, written, agent):
    services.add_message(ticket=written["other"], by=agent, body="Enviámos o código de rastreio", internal=True)
    assert ids(api.get("/api/tickets/", {"q": "enviamos codigo"})) == [written["other"].pk]


def test_a_bare_number_finds_its_ticket(api, support_queue):
    tickets = [TicketFactory(queue=support_queue) for _ in range(3)]
    target = tickets[1]
    assert target.pk in ids(api.get("/api/tickets/", {"q": str(target.pk)}))
    assert ids(api.get("/api/tickets/", {"q": f"{target.pk:06d}"})) == [target.pk]


def test_the_inbox_search_ignores_accents_too(client, agent, written):
    client.force_login(agent)
    html = client.get("/", {"view": "all", "q": "copia"}).content.decode()
    assert written["pt"].reference in html and written["other"].reference not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_answers_from_the_gin_index(written):
    from tickets.search import PG_MATCH

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM tickets_ticket WHERE {PG_MATCH}", ["copia"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "ticket_search_idx" in plan, plan
