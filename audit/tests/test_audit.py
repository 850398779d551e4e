"""The audit trail: configuration and people changes recorded with who, before and after; append-only;
admins search and export it."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from audit import services
from audit.models import AppendOnly, AuditEntry
from feedback.models import SurveySettings
from tickets.models import Department


def test_a_change_in_the_admin_is_recorded_with_who_before_and_after(client, admin_user):
    group = Group.objects.create(name="auditors")
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "reviewers"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(kind="config.update", object_type="auth.group")
    assert entry.actor == admin_user and entry.actor_name == "root"
    assert entry.before == {"name": "auditors"} and entry.after == {"name": "reviewers"}


def test_creating_and_deleting_configuration_is_recorded(support_queue):
    settings_row = SurveySettings.objects.create(queue=support_queue, delay_seconds=60)
    settings_row.delete()
    kinds = list(AuditEntry.objects.filter(object_type="feedback.surveysettings").values_list("kind", flat=True))
    assert sorted(kinds) == ["config.create", "config.delete"]


def test_a_save_that_changes_nothing_records_nothing(support):
    before = AuditEntry.objects.count()
    Department.objects.get(pk=support.pk).save()
    assert AuditEntry.objects.count() == before


def test_role_changes_are_recorded(agent):
    lead_group, _ = Group.objects.get_or_create(name="lead")
    agent.groups.add(lead_group)
    entry = AuditEntry.objects.filter(kind="roles.change", object_id=str(agent.pk)).latest("id")
    assert entry.before == {"roles": ["agent"]} and entry.after == {"roles": ["agent", "lead"]}


def test_a_webhook_made_through_the_api_is_recorded_with_its_secret_redacted(manager, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    api = APIClient()
    api.force_authenticate(manager)
    secret = api.post("/api/webhooks/", {"url": "http://127.0.0.1:9/x", "events": ["ticket.created"]}, format="json")
    entry = AuditEntry.objects.get(kind="config.create", object_type="webhooks.webhook")
    assert entry.actor == manager
    assert secret.json()["secret"] not in str(entry.after) and entry.after["secret"].startswith("[redacted]")


def test_entries_are_never_changed_or_deleted(agent):
    entry = services.record(kind="test.thing", by=agent)
    entry.kind = "other"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(kind="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_admins_search_and_export_the_trail_as_safe_csv(client, admin_user, agent):
    services.record(kind="test.formula", object_repr="=HYPERLINK(1)", by=agent)
    services.record(kind="test.other", object_repr="plain", by=agent)
    client.force_login(admin_user)
    page = client.get(reverse("audit:list"), {"kind": "test.formula"})
    assert page.status_code == 200
    assert [e.kind for e in page.context["page"]] == ["test.formula"]
    response = client.get(reverse("audit:export"), {"q": "HYPERLINK"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "at" and len(rows) == 2
    assert rows[1][6] == "'=HYPERLINK(1)"


def test_only_admins_see_the_trail(client, manager, agent):
    for user in (manager, agent):
        client.force_login(user)
        assert client.get(reverse("audit:list")).status_code == 403
        assert client.get(reverse("audit:export")).status_code == 403
    client.logout()
    assert client.get(reverse("audit:list")).status_code == 302
