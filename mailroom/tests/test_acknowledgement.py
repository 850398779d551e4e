"""First contact: a customer who opens a ticket hears back at once, with the reference, in their language;
automatic mail never does (no mail loops)."""

import pytest

from mailroom.models import InboundEmail, OutboundEmail
from mailroom.tests.conftest import corpus, ingest
from tickets import services as ticket_services
from tickets.models import Channel

pytestmark = pytest.mark.django_db


def acknowledgements():
    return OutboundEmail.objects.filter(kind="acknowledgement")


def test_a_customers_first_email_is_acknowledged_with_the_reference_in_their_language(queues):
    ticket = ingest("greek_iso8859_7_qp.eml").inbound.ticket
    mail = acknowledgements().get()
    assert mail.recipients == [ticket.customer.email]
    assert mail.language == "el"
    assert ticket.reference in mail.subject and ticket.reference in mail.body_text
    assert "Ευχαριστούμε" in mail.body_text
    assert mail.headers["Auto-Submitted"] == "auto-replied"
    assert mail.headers["In-Reply-To"] == ticket.messages.first().email_message_id


def test_a_reply_joining_a_ticket_is_not_acknowledged_again(queues):
    ingest("greek_iso8859_7_qp.eml")
    raw = corpus("greek_iso8859_7_qp.eml")
    ticket = InboundEmail.objects.get().ticket
    follow_up = raw.replace(b"Message-ID: <", b"Message-ID: <again-", 1)
    follow_up = follow_up.replace(b"Subject: ", f"Subject: [{ticket.reference}] ".encode(), 1)
    from mailroom.ingest import ingest_email

    ingest_email(raw=follow_up)
    assert acknowledgements().count() == 1


@pytest.mark.parametrize(
    "header",
    [
        b"Auto-Submitted: auto-replied",
        b"Precedence: bulk",
        b"List-Id: <news.example.com>",
        b"Return-Path: <>",
    ],
)
def test_auto_replies_bounces_and_lists_get_no_acknowledgement(queues, header):
    raw = corpus("plain_utf8.eml")
    from mailroom.ingest import ingest_email

    ingest_email(raw=header + b"\r\n" + raw)
    assert not acknowledgements().exists()


def test_the_contact_form_is_acknowledged_in_the_pages_language(client, support_queue):
    support_queue.is_public = True
    support_queue.save()
    client.post(
        "/contact/",
        {
            "name": "Rita Gomes",
            "email": "rita@example.pt",
            "queue": support_queue.pk,
            "subject": "Não consigo entrar",
            "message": "A palavra-passe não funciona.",
        },
        HTTP_ACCEPT_LANGUAGE="pt",
    )
    mail = acknowledgements().get()
    assert mail.recipients == ["rita@example.pt"] and mail.language == "pt"
    assert "LAT-" in mail.subject and "Obrigado" in mail.body_text


def test_tickets_opened_by_staff_or_the_api_are_not_acknowledged(support_queue, agent):
    ticket_services.create_ticket(
        subject="Phoned in",
        body="Called about a refund",
        customer_email="caller@example.com",
        channel=Channel.API,
        by=agent,
    )
    assert not acknowledgements().exists()
