"""Privacy: one archive of everything about a customer, erasure that keeps the aggregates, and retention of
attachments — with real files on local storage, real mail through the ingest path, admins only."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agents.services import record_offscript_action
from agents.tests.factories import kind
from audit.models import AuditEntry
from feedback.models import Survey, SurveyStatus
from mailroom.ingest import ingest_email
from mailroom.models import InboundEmail, InboundSource, OutboundEmail
from privacy import services, tasks
from tickets import services as ticket_services
from tickets.models import Attachment, Customer, Message, Ticket
from webhooks import payloads
from webhooks.models import Attempt, Delivery, Webhook

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the customer's invoice, with her address on it\n" * 20


def mail_from_eleni(subject: str = "Charged twice", mid: str = "<m1@example.gr>") -> bytes:
    return (
        "From: Eleni Papadopoulou <eleni@example.gr>\nTo: support@latitude.example\n"
        f"Subject: {subject}\nMessage-ID: {mid}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nMy card ending 4242 was charged twice. I live at Odos 5.\n"
        '--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="invoice.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n" + __import__("base64").encodebytes(PDF).decode() + "--b--\n"
    ).encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def history(support_queue, agent, django_capture_on_commit_callbacks):
    """Eleni writes with an attachment, the agent replies, a survey is answered, a refund is given."""
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_email(raw=mail_from_eleni(), source=InboundSource.TEST)
    ticket = result.inbound.ticket
    reply = ticket_services.add_message(ticket=ticket, by=agent, body="Dear Eleni, we refunded the second charge.")
    ticket_services.add_attachment(message=reply, filename="receipt.txt", content=b"refund 20 EUR for Eleni")
    action = record_offscript_action(
        ticket=ticket, by=agent, kind=kind("refund"), amount=Decimal("20.00"), reason="Eleni was charged twice",
        customer_note="We refunded 20 EUR, Eleni.",
    )  # fmt: skip
    now = timezone.now()
    survey = Survey.objects.create(
        ticket=ticket, customer=ticket.customer, agent=agent, queue=ticket.queue, department=ticket.queue.department,
        status=SurveyStatus.ANSWERED, solved_at=now, due_at=now, sent_at=now, answered_at=now, rating=5,
        comment="Ana was lovely, call me on 555-1234",
    )  # fmt: skip
    return ticket, action, survey


def delivery_about(ticket) -> Delivery:
    """A webhook delivery log row as the webhooks app writes it (its payload names the customer)."""
    hook = Webhook.objects.create(url="https://hooks.example/in", events=["ticket.created"], secret="s" * 32)
    body = json.dumps(
        {"id": "x", "event": "ticket.created", "created_at": "", "data": {"ticket": payloads.ticket_data(ticket)}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    delivery = Delivery.objects.create(
        webhook=hook, event="ticket.created", body=body, retry_until=timezone.now(), status="delivered"
    )
    Attempt.objects.create(delivery=delivery, number=1, ok=True, status_code=200, request_excerpt=body[:2048])
    return delivery


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_an_admin_downloads_everything_about_a_customer_as_one_zip(client, admin_user, history):
    ticket, action, survey = history
    client.force_login(admin_user)

    response = client.get(reverse("privacy:customer_export", args=[ticket.customer_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = archive_of(response)
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["email"] == "eleni@example.gr"
    [exported] = data["tickets"]
    assert exported["reference"] == ticket.reference
    bodies = [m["body"] for m in exported["messages"]]
    assert any("charged twice" in b for b in bodies) and any("refunded the second" in b for b in bodies)
    assert exported["surveys"][0]["comment"].startswith("Ana was lovely") and exported["surveys"][0]["rating"] == 5
    assert exported["offscript_actions"][0]["amount"] == "20.00"
    paths = [a["path"] for m in exported["messages"] for a in m["attachments"]]
    assert len(paths) == 2
    assert {archive.read(p) for p in paths} == {PDF, b"refund 20 EUR for Eleni"}
    assert AuditEntry.objects.filter(kind="customer.export", object_id=str(ticket.customer_id)).exists()


def test_the_api_gives_admins_the_same_archive(admin_user, history):
    ticket, _action, _survey = history
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.get(f"/api/customers/{ticket.customer_id}/export/")

    assert response.status_code == 200
    assert "data.json" in archive_of(response).namelist()


def test_the_customer_page_offers_export_and_erasure_to_admins_only(client, admin_user, manager, history):
    ticket, _action, _survey = history
    url = reverse("tickets:customer", args=[ticket.customer_id])
    client.force_login(admin_user)
    assert reverse("privacy:customer_export", args=[ticket.customer_id]) in client.get(url).content.decode()
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("privacy:customer_export", args=[ticket.customer_id]) not in page.content.decode()


@pytest.mark.parametrize("persona", ["agent", "lead", "manager"])
def test_everyone_but_admins_is_refused(client, persona, request, history):
    ticket, _action, _survey = history
    user = request.getfixturevalue(persona)
    pk = ticket.customer_id
    client.force_login(user)
    assert client.get(reverse("privacy:customer_export", args=[pk])).status_code == 403
    assert client.get(reverse("privacy:customer_erase", args=[pk])).status_code == 403
    assert (
        client.post(reverse("privacy:customer_erase", args=[pk]), {"confirm_email": "eleni@example.gr"}).status_code
        == 403
    )
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/customers/{pk}/export/").status_code == 403
    assert api.post(f"/api/customers/{pk}/erase/", {"confirm_email": "eleni@example.gr"}).status_code == 403
    assert Customer.objects.get(pk=pk).email == "eleni@example.gr"


def test_anonymous_visitors_are_sent_to_login_and_the_api_says_401(client, history):
    ticket, _action, _survey = history
    assert client.get(reverse("privacy:customer_export", args=[ticket.customer_id])).status_code == 302
    assert APIClient().get(f"/api/customers/{ticket.customer_id}/export/").status_code in (401, 403)


def test_erasing_removes_personal_data_and_keeps_the_aggregates(
    client, admin_user, history, media, django_capture_on_commit_callbacks
):
    ticket, action, survey = history
    files = [Path(a.file.path) for a in Attachment.objects.filter(message__ticket=ticket)]
    assert len(files) == 2 and all(f.exists() for f in files)
    outbound_before = OutboundEmail.objects.filter(ticket=ticket).count()
    delivery = delivery_about(ticket)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:customer_erase", args=[ticket.customer_id]), {"confirm_email": "Eleni@example.gr"}
        )

    assert response.status_code == 302
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert customer.name == "" and "eleni" not in customer.email
    ticket.refresh_from_db()
    assert ticket.subject == "[erased]" and "eleni" not in ticket.search_document.lower()
    assert ticket.status and ticket.queue_id  # still counted in reports
    assert set(Message.objects.filter(ticket=ticket).values_list("body", flat=True)) == {"[erased]"}
    assert not Attachment.objects.filter(message__ticket=ticket).exists()
    assert not any(f.exists() for f in files)
    survey.refresh_from_db()
    assert survey.rating == 5 and survey.comment == ""
    action.refresh_from_db()
    assert action.amount == Decimal("20.00") and "Eleni" not in action.reason and action.customer_note == ""
    inbound = InboundEmail.objects.get(ticket=ticket)
    assert inbound.from_email == "" and bytes(inbound.raw) == b"" and "4242" not in inbound.body_text
    assert OutboundEmail.objects.filter(ticket=ticket).count() == outbound_before
    assert not OutboundEmail.objects.filter(to__icontains="eleni").exists()
    assert not OutboundEmail.objects.filter(body_text__icontains="Eleni").exists()
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert "eleni" not in delivery.body.lower() and json.loads(delivery.body)["data"]["ticket"]["subject"] == "[erased]"
    assert Attempt.objects.get(delivery=delivery).request_excerpt == ""
    entry = AuditEntry.objects.get(kind="customer.erase")
    assert entry.actor_id == admin_user.pk
    assert entry.data["tickets"] == 1 and entry.data["attachments"] == 2
    assert "eleni" not in json.dumps(entry.data).lower() and "eleni" not in entry.object_repr.lower()


def test_the_same_address_writing_again_starts_a_fresh_customer(
    admin_user, history, django_capture_on_commit_callbacks
):
    ticket, _action, _survey = history
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_customer(customer=ticket.customer, by=admin_user)
        again = ingest_email(
            raw=mail_from_eleni(subject=f"Re: [{ticket.reference}] Charged twice", mid="<m2@example.gr>"),
            source=InboundSource.TEST,
        )

    fresh = again.inbound.ticket
    assert fresh.pk != ticket.pk
    assert fresh.customer_id != ticket.customer_id
    assert fresh.customer.email == "eleni@example.gr"
    assert Ticket.objects.filter(customer_id=ticket.customer_id).count() == 1


def test_erasure_needs_the_address_typed_to_confirm(client, admin_user, history):
    ticket, _action, _survey = history
    client.force_login(admin_user)

    page = client.post(reverse("privacy:customer_erase", args=[ticket.customer_id]), {"confirm_email": "x@y.z"})
    api = APIClient()
    api.force_authenticate(admin_user)
    wrong = api.post(f"/api/customers/{ticket.customer_id}/erase/", {"confirm_email": "x@y.z"}, format="json")
    missing = api.post(f"/api/customers/{ticket.customer_id}/erase/", [1, 2], format="json")

    assert page.status_code == 400
    assert wrong.status_code == 400 and "confirm_email" in wrong.json()
    assert missing.status_code == 400
    assert Customer.objects.get(pk=ticket.customer_id).email == "eleni@example.gr"
    assert api.post("/api/customers/999999/erase/", {"confirm_email": "x@y.z"}).status_code == 404


def test_the_api_erases_for_admins(admin_user, history, django_capture_on_commit_callbacks):
    ticket, _action, _survey = history
    api = APIClient()
    api.force_authenticate(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/customers/{ticket.customer_id}/erase/", {"confirm_email": "eleni@example.gr"}, format="json"
        )
    assert response.status_code == 200 and response.json()["tickets"] == 1
    assert Customer.objects.get(pk=ticket.customer_id).email.endswith("@erased.invalid")


def _closed_ticket_with_file(queue, customer, agent, *, days_ago: int | None, name: str):
    from tickets.tests.factories import TicketFactory

    ticket = TicketFactory(queue=queue, customer=customer, assignee=agent, status="closed" if days_ago else "open")
    if days_ago is not None:
        Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))
    message = Message.objects.create(ticket=ticket, kind="customer", body="see attached")
    attachment = ticket_services.add_attachment(message=message, filename=f"{name}.txt", content=name.encode())
    return attachment


def test_the_retention_job_deletes_attachments_of_tickets_closed_long_ago(
    settings, support_queue, customer, agent, django_capture_on_commit_callbacks
):
    settings.ATTACHMENT_RETENTION_DAYS = 30
    old = _closed_ticket_with_file(support_queue, customer, agent, days_ago=40, name="old")
    recent = _closed_ticket_with_file(support_queue, customer, agent, days_ago=10, name="recent")
    still_open = _closed_ticket_with_file(support_queue, customer, agent, days_ago=None, name="open")
    old_path = Path(old.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.purge_expired_attachments.delay().get()

    assert result["attachments"] == 1
    assert not Attachment.objects.filter(pk=old.pk).exists() and not old_path.exists()
    assert Attachment.objects.filter(pk__in=[recent.pk, still_open.pk]).count() == 2
    assert Path(recent.file.path).exists()
    entry = AuditEntry.objects.get(kind="attachments.retention")
    assert entry.data["attachments"] == 1 and entry.data["ticket_ids"] == [old.message.ticket_id]


def test_retention_is_off_by_default(settings, support_queue, customer, agent):
    assert settings.ATTACHMENT_RETENTION_DAYS == 0
    old = _closed_ticket_with_file(support_queue, customer, agent, days_ago=4000, name="ancient")

    assert services.purge_expired_attachments()["attachments"] == 0
    assert Attachment.objects.filter(pk=old.pk).exists()
    assert not AuditEntry.objects.filter(kind="attachments.retention").exists()


def test_the_retention_job_is_scheduled_daily():
    from helpdesk.celery import PERIODIC_TASKS

    assert ("privacy.purge_expired_attachments", 86400) in PERIODIC_TASKS.values()
