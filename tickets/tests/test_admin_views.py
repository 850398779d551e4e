"""The Django admin works for every ticket model: list, search and add pages load for an admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tickets import services
from tickets.models import Attachment, EventKind, Macro


@pytest.fixture
def populated(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.add_message(ticket=ticket, by=agent, body="Hi", attachments=[("a.txt", b"a", "text/plain")])
    services.set_tags(ticket=ticket, names=["vip"], by=agent)
    Macro.objects.create(name="Hello", body="Hello {{ customer_name }}")
    return ticket


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def tickets_models():
    return [m for m in admin.site._registry if m._meta.app_label == "tickets"]


def test_every_tickets_model_is_registered():
    names = {m.__name__ for m in tickets_models()}
    assert names >= {
        "Department",
        "Queue",
        "Profile",
        "Customer",
        "Tag",
        "SlaPolicy",
        "Ticket",
        "Message",
        "Attachment",
        "TicketEvent",
        "Macro",
    }


def test_list_search_add_and_change_pages_load(client, admin_user, populated):
    client.force_login(admin_user)
    for model in tickets_models():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        assert client.get(reverse(f"{base}_changelist")).status_code == 200, meta.model_name
        assert client.get(reverse(f"{base}_changelist"), {"q": "vip"}).status_code == 200, meta.model_name
        can_add = admin.site._registry[model].has_add_permission(_request(admin_user))
        assert client.get(reverse(f"{base}_add")).status_code == (200 if can_add else 403), meta.model_name
        obj = model.objects.first()
        if obj is not None:
            assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200, meta.model_name
    assert Attachment.objects.exists()


def test_agents_cannot_use_the_admin(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 302


def test_an_admin_cannot_change_a_tickets_workflow_fields_around_its_history(client, admin_user, populated, agent):
    client.force_login(admin_user)
    before = populated.events.count()
    url = reverse("admin:tickets_ticket_change", args=[populated.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="status"' not in page.content and b'name="assignee"' not in page.content
    response = client.post(
        url,
        {"subject": populated.subject, "status": "solved", "priority": "urgent", "assignee": ""},
    )
    assert response.status_code == 403
    populated.refresh_from_db()
    assert (populated.status, populated.priority, populated.assignee_id) == ("open", "normal", agent.pk)
    assert populated.events.count() == before


def test_a_customer_edited_in_the_admin_is_recorded_on_their_tickets(client, admin_user, populated):
    client.force_login(admin_user)
    customer = populated.customer
    url = reverse("admin:tickets_customer_change", args=[customer.pk])
    response = client.post(url, {"name": "Eleni P.", "language": "pt", "organisation": "Acme", "notes": ""})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.language) == ("Eleni P.", "pt")
    event = populated.events.get(kind=EventKind.CUSTOMER)
    assert event.actor == admin_user
    assert event.data["language"] == ["el", "pt"]
