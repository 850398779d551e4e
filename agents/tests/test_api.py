"""The REST contract: /api/offscript-actions/ and /api/discretion/me/."""

import pytest
from rest_framework.test import APIClient

from agents import services
from agents.models import OffscriptAction
from tickets.tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db

URL = "/api/offscript-actions/"


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


def post(client, on_ticket, **data):
    body = {"ticket": on_ticket.pk, "kind": "refund", "amount": "20.00", "reason": "Charged twice", **data}
    return client.post(URL, body, format="json")


def test_within_limits_it_returns_201_approved(api, ticket, agent, staffed):
    response = post(api(agent), ticket)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "approved" and body["amount"] == "20.00" and body["kind"] == "refund"
    assert body["agent"] == "ana" and body["ticket"] == ticket.pk
    assert body["limits_snapshot"]["per_action_limit"] == "50.00"


def test_above_limits_it_returns_201_pending(api, ticket, agent, staffed):
    body = post(api(agent), ticket, amount=60).json()
    assert body["status"] == "pending" and body["approver"] == "lena" and body["approval_level"] == "lead"


def test_the_kind_may_be_given_by_id(api, ticket, agent, staffed):
    from agents.tests.factories import kind

    assert post(api(agent), ticket, kind=kind("refund").pk).json()["kind"] == "refund"


def test_over_the_ceiling_it_is_400_naming_the_amount(api, ticket, agent, staffed):
    response = post(api(agent), ticket, amount="5000")
    assert response.status_code == 400 and "amount" in response.json()
    assert not OffscriptAction.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "1e10"}, "amount"),
        ({"amount": True}, "amount"),
        ({"kind": "teleport"}, "kind"),
        ({"reason": ""}, "reason"),
        ({"ticket": "abc"}, "ticket"),
        ({"ticket": 999999}, "ticket"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, ticket, agent, staffed, data, field):
    response = post(api(agent), ticket, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_missing_reason_is_a_400(api, ticket, agent, staffed):
    response = api(agent).post(URL, {"ticket": ticket.pk, "kind": "refund", "amount": "5"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_ticket_the_agent_cannot_see_is_refused(api, agent, staffed, billing_queue):
    hidden = TicketFactory(queue=billing_queue, customer=CustomerFactory(), status="open")
    response = post(api(agent), hidden)
    assert response.status_code == 400 and "ticket" in response.json()


def test_anonymous_is_401_and_non_staff_403(api, ticket, staffed):
    from django.contrib.auth.models import User

    assert api(None).get(URL).status_code in (401, 403)
    outsider = User.objects.create_user("outsider", password="x")
    assert api(outsider).get(URL).status_code == 403


def test_the_list_is_paginated_and_scoped_by_role(api, ticket, agent, teammate, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="5", reason="a")
    services.record_offscript_action(ticket=ticket, by=teammate, kind="refund", amount="5", reason="b")
    mine = api(agent).get(URL).json()
    assert set(mine) >= {"count", "next", "previous", "results"}
    assert mine["count"] == 1 and mine["results"][0]["agent"] == "ana"
    assert api(staffed[0]).get(URL).json()["count"] == 2
    assert api(staffed[1]).get(URL + "?agent=tomas").json()["count"] == 1
    assert api(staffed[1]).get(URL + "?status=pending").json()["count"] == 0


def test_the_list_filters_by_dates_and_refuses_bad_ones(api, ticket, agent, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="5", reason="a")
    client = api(staffed[1])
    assert client.get(URL + "?since=2000-01-01").json()["count"] == 1
    assert client.get(URL + "?until=2000-01-01").json()["count"] == 0
    for bad in ("yesterday", "2026-02-30"):
        response = client.get(URL + f"?since={bad}")
        assert response.status_code == 400 and "since" in response.json()


def test_the_list_has_a_fixed_number_of_queries(api, ticket, agent, staffed, django_assert_max_num_queries):
    for _ in range(5):
        services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    client = api(staffed[1])
    with django_assert_max_num_queries(6):
        assert client.get(URL).json()["count"] == 5


def test_a_lead_approves_through_the_api(api, ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    response = api(staffed[0]).post(f"{URL}{action.pk}/approve/", {"note": "ok"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["decided_by"] == "lena"
    again = api(staffed[1]).post(f"{URL}{action.pk}/approve/", {}, format="json")
    assert again.status_code == 409 and "already approved" in again.json()["detail"]


def test_a_lead_cannot_approve_above_the_threshold_through_the_api(api, ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="160", reason="a")
    assert api(staffed[0]).post(f"{URL}{action.pk}/approve/", {}, format="json").status_code == 403


def test_the_requester_cannot_approve_their_own_through_the_api(api, ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    assert api(agent).post(f"{URL}{action.pk}/approve/", {}, format="json").status_code == 403


def test_an_agent_of_another_department_gets_404(api, ticket, agent, other_agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    assert api(other_agent).post(f"{URL}{action.pk}/approve/", {}, format="json").status_code == 404


def test_reject_through_the_api_needs_a_note(api, ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    response = api(staffed[0]).post(f"{URL}{action.pk}/reject/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = api(staffed[0]).post(f"{URL}{action.pk}/reject/", {"note": "no receipt"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_approve_by_get_is_405(api, ticket, agent, staffed):
    action = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="a")
    assert api(staffed[0]).get(f"{URL}{action.pk}/approve/").status_code == 405


def test_discretion_me_shows_limits_and_what_is_left(api, ticket, agent, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="30", reason="a")
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60", reason="b")
    body = api(agent).get("/api/discretion/me/").json()
    refund = next(k for k in body["kinds"] if k["kind"] == "refund")
    assert refund == {
        "kind": "refund",
        "name": "Refund",
        "has_amount": True,
        "currency": "EUR",
        "per_action_limit": "50.00",
        "period_budget": "200.00",
        "customer_budget": "100.00",
        "manager_threshold": "150.00",
        "hard_ceiling": "2000.00",
        "used": "30.00",
        "pending": "60.00",
        "left": "170.00",
        "policy": "Agents",
        "policy_version": 1,
    }
    exception = next(k for k in body["kinds"] if k["kind"] == "policy-exception")
    assert exception["left"] == "3.00" and exception["currency"] == ""
    assert body["period_start"] < body["period_end"]


def test_the_schema_documents_the_endpoints(api, agent):
    response = api(agent).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/offscript-actions/{id}/approve/" in text and "/api/discretion/me/" in text
