"""The whole trip: a customer writes, an agent answers, the customer's mail client threads the answer,
and the customer's reply to it lands on the same ticket. Real SMTP server (aiosmtpd)."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from mailroom.ingest import ingest_email
from mailroom.models import InboundSource, OutboundEmail
from mailroom.tests.conftest import ingest
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def customer_reply(received, *, body: str, keep_headers: bool = True) -> bytes:
    """What the customer's mail client sends when they press Reply on the mail they received."""
    reply = EmailMessage()
    reply["From"] = received["To"]
    reply["To"] = received["From"]
    reply["Subject"] = "Re: " + received["Subject"]
    reply["Message-ID"] = make_msgid(domain="customer.example")
    if keep_headers:
        reply["In-Reply-To"] = received["Message-ID"]
        reply["References"] = f"{received['References']} {received['Message-ID']}"
    quoted = "\n".join("> " + line for line in received.get_body(("plain",)).get_content().splitlines())
    reply.set_content(f"{body}\n\nOn Tue, 3 Nov 2026 at 10:00, {received['From']} wrote:\n{quoted}\n")
    return reply.as_bytes()


def test_customer_email_to_ticket_to_reply_and_back(queues, agent, smtp_server, django_capture_on_commit_callbacks):
    # 1. The customer writes in (Greek, ISO-8859-7, quoted-printable).
    ticket = ingest("greek_iso8859_7_qp.eml").inbound.ticket

    # 2. An agent answers on the ticket.
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_services.add_message(ticket=ticket, by=agent, body="Το δέμα σας στάλθηκε σήμερα.")

    # 3. The e-mail the customer receives threads with their own message.
    [received] = smtp_server.wait_for(1)
    outbound = OutboundEmail.objects.get(ticket_message=reply)
    assert received["Message-ID"] == outbound.message_id
    assert received["In-Reply-To"] == "<greek-1@customer.example.gr>"
    assert received["References"] == "<greek-1@customer.example.gr>"
    # (Python folds the encoded subject onto a continuation line; clients strip the leading space.)
    assert received["Subject"].strip() == f"[{ticket.reference}] Re: Η παραγγελία μου δεν έφτασε"
    assert received["To"] == "eleni.p@example.gr"
    assert ticket.queue.email_address in received["From"]
    assert "Το δέμα σας στάλθηκε σήμερα." in received.get_body(("plain",)).get_content()
    assert smtp_server.handler.envelopes[0].rcpt_tos == ["eleni.p@example.gr"]

    # 4. The customer replies to it: the reply joins the same ticket, the quote folded.
    result = ingest_email(raw=customer_reply(received, body="Ευχαριστώ πολύ!"), source=InboundSource.TEST)

    assert result.outcome == "appended"
    assert result.inbound.ticket == ticket
    assert result.inbound.visible_text == "Ευχαριστώ πολύ!"
    assert "Το δέμα σας στάλθηκε σήμερα." in result.inbound.quoted_text
    assert Ticket.objects.count() == 1
    assert list(ticket.messages.values_list("kind", flat=True)) == ["customer", "reply", "customer"]


def test_a_reply_whose_client_dropped_the_threading_headers_is_matched_by_its_subject(
    queues, agent, smtp_server, django_capture_on_commit_callbacks
):
    ticket = ingest("plain_utf8.eml").inbound.ticket
    with django_capture_on_commit_callbacks(execute=True):
        ticket_services.add_message(ticket=ticket, by=agent, body="Refund issued.")
    [received] = smtp_server.wait_for(1)

    raw = customer_reply(received, body="Got it, thanks.", keep_headers=False)
    result = ingest_email(raw=raw, source=InboundSource.TEST)

    assert result.outcome == "appended"
    assert result.inbound.ticket == ticket
