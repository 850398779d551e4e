"""The /api/automations/ and /api/me/ contract."""

import pytest
from rest_framework.test import APIClient

from automations.models import AgentState, Rule

GOOD = {
    "name": "VIP to high",
    "event": "ticket_created",
    "conditions": [{"field": "tags", "operator": "contains", "value": "vip"}],
    "actions": [{"type": "set_priority", "value": "high"}],
}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_manager_creates_reads_updates_and_deletes_a_rule(manager):
    api = client_for(manager)
    created = api.post("/api/automations/", GOOD, format="json")
    assert created.status_code == 201
    rid = created.json()["id"]
    assert created.json()["active"] is True and created.json()["position"] >= 1
    assert api.get("/api/automations/").json()["results"][0]["name"] == "VIP to high"
    assert api.patch(f"/api/automations/{rid}/", {"active": False}, format="json").json()["active"] is False
    assert api.delete(f"/api/automations/{rid}/").status_code == 204
    assert not Rule.objects.exists()


@pytest.mark.django_db
def test_agents_may_only_read_rules(agent, manager):
    client_for(manager).post("/api/automations/", GOOD, format="json")
    api = client_for(agent)
    assert api.get("/api/automations/").status_code == 200
    assert api.post("/api/automations/", GOOD, format="json").status_code == 403
    rid = Rule.objects.get().pk
    assert api.patch(f"/api/automations/{rid}/", {"active": False}, format="json").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,field",
    [
        ({"event": "sometime"}, "event"),
        ({"conditions": [{"field": "colour", "operator": "is", "value": "x"}]}, "conditions[0].field"),
        ({"conditions": [{"field": "subject", "operator": "like", "value": "x"}]}, "conditions[0].operator"),
        ({"actions": [{"type": "explode", "value": None}]}, "actions[0]"),
        ({"actions": [{"type": "assign_to", "value": "nobody"}]}, "actions[0]"),
        ({"actions": []}, "actions"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(manager, change, field):
    response = client_for(manager).post("/api/automations/", {**GOOD, **change}, format="json")
    assert response.status_code == 400
    assert field in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_rule_is_a_404(manager):
    assert client_for(manager).get("/api/automations/999/").status_code == 404
    assert client_for(manager).get("/api/automations/abc/").status_code == 404


@pytest.mark.django_db
def test_an_agent_reads_and_sets_their_availability(agent):
    api = client_for(agent)
    assert api.get("/api/me/").json()["availability"] == "available"
    assert api.patch("/api/me/", {"availability": "away"}, format="json").json()["availability"] == "away"
    assert AgentState.objects.get(user=agent).availability == "away"
    assert api.patch("/api/me/", {"availability": "gone"}, format="json").status_code == 400
