"""Custom fields in the inbox: the columns admins pick, the capped count, and the CSV export of the
current list with one column per field."""

import csv
import io

import pytest
from django.core.cache import cache

from tickets import views_saved
from tickets.services_fields import create_ticket_field, update_ticket_field
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def fields(manager):
    return [
        create_ticket_field(by=manager, key="order_no", label="Order number", type="text", inbox_column=True),
        create_ticket_field(by=manager, key="vip", label="VIP", type="checkbox"),
    ]


@pytest.fixture
def rows(support_queue, customer, agent, fields):
    return [
        TicketFactory(
            subject="Parcel",
            queue=support_queue,
            customer=customer,
            assignee=agent,
            fields={"order_no": "A-17", "vip": True},
        ),
        TicketFactory(subject="=cmd|' /C calc'!A0", queue=support_queue, customer=customer, assignee=agent, fields={}),
    ]


def test_the_fields_an_admin_picks_are_inbox_columns(client, agent, manager, rows, fields):
    client.force_login(agent)
    html = client.get("/?view=all").content.decode()
    assert '<th scope="col" class="field-col">Order number</th>' in html and ">A-17</td>" in html
    assert '<th scope="col" class="field-col">VIP</th>' not in html
    update_ticket_field(field=fields[1], by=manager, inbox_column=True)
    html = client.get("/?view=all").content.decode()
    assert '<th scope="col" class="field-col">VIP</th>' in html and ">Yes</td>" in html


def test_the_export_holds_the_filtered_list_with_a_column_per_field_and_defused_formulas(client, agent, rows):
    client.force_login(agent)
    response = client.get("/tickets/export.csv", {"view": "all", "sort": "created"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["reference"] for r in table] == [rows[1].reference, rows[0].reference]
    assert table[1]["field.order_no"] == "A-17" and table[1]["field.vip"] == "true"
    assert table[0]["subject"].startswith("'=")
    filtered = client.get("/tickets/export.csv", {"view": "all", "field.vip": "true"})
    assert len(list(csv.DictReader(io.StringIO(b"".join(filtered.streaming_content).decode())))) == 1


def test_the_export_shows_only_what_the_user_may_see(client, other_agent, rows):
    client.force_login(other_agent)
    response = client.get("/tickets/export.csv", {"view": "all"})
    assert len(list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))) == 0
    client.logout()
    assert client.get("/tickets/export.csv").status_code == 302


def test_the_inbox_count_stops_at_the_cap(client, agent, rows, monkeypatch):
    monkeypatch.setattr(views_saved, "COUNT_CAP", 1)
    client.force_login(agent)
    html = client.get("/?view=all").content.decode()
    assert "More than 1 tickets" in html
    monkeypatch.setattr(views_saved, "COUNT_CAP", 5)
    assert "2 tickets" in client.get("/?view=all").content.decode()
