"""The operational report grouped by a custom field: `group_by=field:<key>` in the API, a section per
choice or checkbox field in the CSV."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Status
from tickets.services_fields import create_ticket_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_product(manager, agent, support_queue):
    create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])
    create_ticket_field(by=manager, key="vip", label="VIP", type="checkbox")
    for n, product in enumerate(["laptop", "laptop", "phone", None]):
        fields = {"product": product, "vip": n == 0} if product else {}
        ticket = services.create_ticket(
            subject=f"Case {n}", body="?", customer_email=f"f{n}@example.com", queue=support_queue, fields=fields
        )
        if n in (0, 2):
            services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)


def test_the_api_groups_the_report_by_a_custom_fields_values(manager, by_product):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get("/api/reports/operations/", {"group_by": "field:product"})
    assert response.status_code == 200, response.content
    rows = {r["key"]: (r["label"], r["created"], r["solved"]) for r in response.json()["results"]}
    assert rows == {"laptop": ("laptop", 2, 1), "phone": ("phone", 1, 1), None: ("No value", 1, 0)}
    vip = {
        r["label"]: r["created"]
        for r in client.get("/api/reports/operations/", {"group_by": "field:vip"}).json()["results"]
    }
    assert vip == {"Yes": 1, "No": 2, "No value": 1}


def test_an_unknown_field_group_is_a_400_naming_group_by(manager, by_product):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.get("/api/reports/operations/", {"group_by": "field:colour"})
    assert response.status_code == 400 and "group_by" in response.json()


def test_the_operations_csv_has_a_section_per_choice_field(client, manager, by_product):
    client.force_login(manager)
    response = client.get("/insights/operations/export.csv", {"period": "this_month"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    laptop = next(r for r in rows if r["section"] == "by_field:product" and r["key"] == "laptop")
    assert (laptop["created"], laptop["solved"]) == ("2", "1")
    assert any(r["section"] == "by_field:vip" for r in rows)
