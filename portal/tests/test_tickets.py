import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import Organisation
from tickets import services
from tickets.models import Message, MessageKind, Status
from tickets.tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(db):
    return CustomerFactory(name="Someone Else", email="else@example.com", language="en")


def test_the_list_shows_only_the_customers_own_tickets(signed_in, customer, ticket, stranger, support_queue):
    other = TicketFactory(subject="Not yours", queue=support_queue, customer=stranger)
    page = signed_in(customer).get("/portal/tickets/")
    assert page.status_code == 200
    assert ticket.subject in page.content.decode()
    assert other.subject not in page.content.decode()


def test_another_customers_ticket_is_a_404(signed_in, customer, stranger, support_queue):
    other = TicketFactory(subject="Not yours", queue=support_queue, customer=stranger)
    client = signed_in(customer)
    assert client.get(f"/portal/tickets/{other.pk}/").status_code == 404
    assert client.post(f"/portal/tickets/{other.pk}/reply/", {"body": "hi"}).status_code == 404
    assert not Message.objects.filter(ticket=other).exists()


def test_without_signing_in_the_pages_send_you_to_sign_in(client, ticket):
    response = client.get(f"/portal/tickets/{ticket.pk}/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_staff_sign_in_does_not_open_the_portal(client, agent, ticket):
    client.force_login(agent)
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 302


def test_the_thread_shows_public_messages_never_internal_notes(signed_in, customer, ticket, agent):
    services.add_message(ticket=ticket, by=agent, body="We refunded the second charge.")
    services.add_message(ticket=ticket, by=agent, body="SECRET note for colleagues", internal=True)
    page = signed_in(customer).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "We refunded the second charge." in page
    assert "SECRET note" not in page


def test_a_reply_with_an_attachment_lands_on_the_ticket_as_a_customer_message(signed_in, customer, ticket):
    client = signed_in(customer)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    response = client.post(
        f"/portal/tickets/{ticket.pk}/reply/", {"body": "Here is the receipt.", "attachment": upload}
    )
    assert response.status_code == 302
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER and message.body == "Here is the receipt."
    assert message.author is None
    attachment = message.attachments.get()
    assert attachment.filename == "receipt.pdf"
    download = client.get(f"/portal/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 receipt"


def test_an_empty_reply_is_refused(signed_in, customer, ticket):
    response = signed_in(customer).post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "  "})
    assert response.status_code == 400
    assert not ticket.messages.exists()


def test_replying_needs_a_post(signed_in, customer, ticket):
    assert signed_in(customer).get(f"/portal/tickets/{ticket.pk}/reply/").status_code == 405


def test_a_solved_ticket_reopens_within_the_window(signed_in, customer, ticket, agent):
    services.solve_ticket(ticket=ticket, by=agent)
    client = signed_in(customer)
    assert f"/portal/tickets/{ticket.pk}/reopen/" in client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert client.post(f"/portal/tickets/{ticket.pk}/reopen/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_ticket_solved_long_ago_cannot_be_reopened_or_answered(signed_in, customer, ticket, agent, settings):
    services.solve_ticket(ticket=ticket, by=agent)
    type(ticket).objects.filter(pk=ticket.pk).update(
        solved_at=timezone.now() - dt.timedelta(days=settings.PORTAL_REOPEN_DAYS + 1)
    )
    client = signed_in(customer)
    client.post(f"/portal/tickets/{ticket.pk}/reopen/")
    assert client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "still broken"}).status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert not ticket.messages.filter(kind=MessageKind.CUSTOMER).exists()


def test_an_organisation_that_shares_tickets_shows_colleagues_tickets(signed_in, customer, support_queue):
    colleague = CustomerFactory(email="nikos@example.gr", organisation="Acme")
    shared = TicketFactory(subject="Colleague's request", queue=support_queue, customer=colleague)
    customer.organisation = "acme"
    customer.save()
    client = signed_in(customer)
    assert client.get(f"/portal/tickets/{shared.pk}/").status_code == 404
    Organisation.objects.create(name="Acme", share_tickets=True)
    assert client.get(f"/portal/tickets/{shared.pk}/").status_code == 200
    assert "Colleague&#x27;s request" in client.get("/portal/tickets/").content.decode()


def test_pages_are_in_the_customers_language(signed_in, customer, ticket):
    page = signed_in(customer).get("/portal/tickets/")
    assert '<html lang="el">' in page.content.decode()
