"""`/api/webhooks/` per the contract: managers and admins, 201 with id and secret, 400 naming `url`."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from webhooks.models import Webhook


@pytest.fixture
def api():
    return APIClient()


def test_a_manager_creates_a_webhook_and_gets_its_id_and_secret(api, manager, sink):
    api.force_authenticate(manager)
    response = api.post("/api/webhooks/", {"url": sink.url, "events": ["ticket.created"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] and len(body["secret"]) == 64
    assert Webhook.objects.get(pk=body["id"]).events == ["ticket.created"]
    # The secret is shown once: not in later reads.
    assert "secret" not in api.get(f"/api/webhooks/{body['id']}/").json()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest",
        "http://0x7f000001/",  # 127.0.0.1 spelled in hex
        "http://2130706433/",  # and as one number
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::1]/",
    ],
)
def test_it_refuses_private_and_loopback_addresses_naming_url(api, manager, settings, url):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    api.force_authenticate(manager)
    response = api.post("/api/webhooks/", {"url": url, "events": ["ticket.created"]}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()
    assert not Webhook.objects.exists()


def test_it_refuses_a_host_that_does_not_resolve_and_other_schemes(api, manager):
    api.force_authenticate(manager)
    for url in ("http://no-such-host.invalid/", "ftp://example.com/", "file:///etc/passwd", ""):
        response = api.post("/api/webhooks/", {"url": url, "events": ["ticket.created"]}, format="json")
        assert response.status_code == 400 and "url" in response.json(), url


def test_it_refuses_unknown_events_naming_events(api, manager, sink):
    api.force_authenticate(manager)
    response = api.post("/api/webhooks/", {"url": sink.url, "events": ["ticket.exploded"]}, format="json")
    assert response.status_code == 400 and "events" in response.json()
    response = api.post("/api/webhooks/", {"url": sink.url, "events": []}, format="json")
    assert response.status_code == 400 and "events" in response.json()


def test_agents_and_leads_may_not_see_or_create_webhooks(api, agent, lead, sink):
    for user in (agent, lead):
        api.force_authenticate(user)
        assert api.get("/api/webhooks/").status_code == 403
        response = api.post("/api/webhooks/", {"url": sink.url, "events": ["ticket.created"]}, format="json")
        assert response.status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/webhooks/").status_code in (401, 403)


def test_patch_changes_events_and_rechecks_the_url(api, admin_user, sink, settings):
    api.force_authenticate(admin_user)
    pk = api.post("/api/webhooks/", {"url": sink.url, "events": ["ticket.created"]}, format="json").json()["id"]
    response = api.patch(f"/api/webhooks/{pk}/", {"events": ["ticket.solved", "kudos.given"]}, format="json")
    assert response.status_code == 200 and response.json()["events"] == ["kudos.given", "ticket.solved"]
    response = api.patch(f"/api/webhooks/{pk}/", {"url": "http://192.168.0.10/"}, format="json")
    assert response.status_code == 400 and "url" in response.json()
    assert api.delete(f"/api/webhooks/{pk}/").status_code == 204
    assert not Webhook.objects.exists()


def test_an_id_that_is_not_a_number_or_names_nothing_is_a_404(api, manager):
    api.force_authenticate(manager)
    assert api.get("/api/webhooks/abc/").status_code == 404
    assert api.get("/api/webhooks/999/").status_code == 404
    assert api.get("/api/webhooks/999/deliveries/").status_code == 404
