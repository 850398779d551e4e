"""Agents answer: a public reply becomes an e-mail that threads in the customer's mail client."""

import pytest
from django.template import Context, Template

from mailroom.ingest import ingest_email
from mailroom.models import MailTemplate, OutboundEmail
from mailroom.tests.conftest import corpus, ingest
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_ticket(queues, agent):
    ticket = ingest("greek_iso8859_7_qp.eml").inbound.ticket
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])
    return ticket


def test_a_public_reply_queues_an_email_to_the_customer_from_the_queue_address(email_ticket, agent):
    message = ticket_services.add_message(ticket=email_ticket, by=agent, body="Το δέμα φεύγει σήμερα.")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.kind == "reply"
    assert mail.ticket == email_ticket
    assert mail.ticket_message == message
    assert mail.recipients == ["eleni.p@example.gr"]
    assert mail.from_email.endswith(f"<{email_ticket.queue.email_address}>")
    assert mail.subject == f"[{email_ticket.reference}] Re: Η παραγγελία μου δεν έφτασε"
    assert mail.headers["In-Reply-To"] == "<greek-1@customer.example.gr>"
    assert mail.headers["References"] == "<greek-1@customer.example.gr>"
    assert "Το δέμα φεύγει σήμερα." in mail.body_text
    assert "Το δέμα φεύγει σήμερα." in mail.body_html
    assert mail.language == "el"


def test_an_internal_note_sends_nothing(email_ticket, agent):
    ticket_services.add_message(ticket=email_ticket, by=agent, body="Check the courier.", internal=True)

    assert not OutboundEmail.objects.filter(kind="reply").exists()


def test_the_reply_is_rendered_in_the_customers_language(email_ticket, agent):
    email_ticket.customer.language = "sr-latn"
    email_ticket.customer.save(update_fields=["language"])
    MailTemplate.objects.create(
        kind="reply", language="sr-latn", subject="x", body_text="{% get_current_language as l %}lang={{ l }}"
    )

    ticket_services.add_message(ticket=email_ticket, by=agent, body="Hello")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.language == "sr-latn"
    assert mail.body_text == "lang=sr-latn"


def test_later_replies_reference_the_whole_thread_nearest_last(email_ticket, agent):
    first = ticket_services.add_message(ticket=email_ticket, by=agent, body="First answer")
    first_mail = OutboundEmail.objects.get(ticket_message=first)
    reply = ingest("greek_reply_quote.eml")
    assert reply.inbound.ticket == email_ticket

    second = ticket_services.add_message(ticket=email_ticket, by=agent, body="Second answer")

    mail = OutboundEmail.objects.get(ticket_message=second)
    assert mail.headers["In-Reply-To"] == "<greek-2@customer.example.gr>"
    assert mail.headers["References"].split() == [
        "<greek-1@customer.example.gr>",
        first_mail.message_id,
        "<greek-2@customer.example.gr>",
    ]


def test_people_copied_by_the_agent_and_by_the_customer_are_copied(queues, agent):
    raw_cc = "Cc: Maria <maria@example.gr>, support@latitude.example, General <general@latitude.example>\n"
    ticket = ingest("plain_utf8.eml", **{"MIME-Version: 1.0": raw_cc + "MIME-Version: 1.0"}).inbound.ticket

    ticket_services.add_message(ticket=ticket, by=agent, body="Refunded.", cc="boss@example.com")

    mail = OutboundEmail.objects.get(kind="reply")
    # Our own addresses (the queue's, the default sender) are never copied: that would loop.
    assert mail.cc_list == ["boss@example.com", "maria@example.gr"]


def test_an_admin_template_for_the_queue_and_language_wins(email_ticket, agent, billing_queue):
    MailTemplate.objects.create(
        kind="reply", queue=None, language="el", subject="Default {{ reference }}", body_text="default"
    )
    MailTemplate.objects.create(
        kind="reply",
        queue=email_ticket.queue,
        language="el",
        subject="[{{ reference }}] Απάντηση: {{ subject }}",
        body_text="Γεια σας {{ customer_name }},\n{{ body_text }}",
        body_html="<p>{{ body_html|safe }}</p><p>{{ agent_name }}</p>",
    )
    MailTemplate.objects.create(kind="reply", queue=billing_queue, language="el", subject="billing", body_text="x")

    ticket_services.add_message(ticket=email_ticket, by=agent, body="Έρχεται <αύριο>.")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.subject == f"[{email_ticket.reference}] Απάντηση: Η παραγγελία μου δεν έφτασε"
    assert mail.body_text == "Γεια σας Ελένη Παπαδοπούλου,\nΈρχεται <αύριο>."
    assert "Ana Silva" in mail.body_html
    assert "&lt;αύριο&gt;" in mail.body_html


def test_the_every_queue_template_is_used_when_the_queue_has_none(email_ticket, agent):
    MailTemplate.objects.create(kind="reply", language="el", subject="Default {{ reference }}", body_text="default")

    ticket_services.add_message(ticket=email_ticket, by=agent, body="x")

    assert OutboundEmail.objects.get(kind="reply").subject == f"Default {email_ticket.reference}"


def test_a_broken_admin_template_falls_back_to_the_default_and_the_reply_still_goes(email_ticket, agent):
    MailTemplate.objects.create(kind="reply", language="el", subject="{% if %}", body_text="{{ broken")

    ticket_services.add_message(ticket=email_ticket, by=agent, body="Still sent")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.subject.startswith(f"[{email_ticket.reference}] Re:")
    assert "Still sent" in mail.body_text


def test_the_delivery_panel_lists_the_tickets_mails_with_their_state(email_ticket, agent, client):
    ticket_services.add_message(ticket=email_ticket, by=agent, body="First answer")
    OutboundEmail.objects.filter(kind="reply").update(
        status="queued", attempts=2, last_error="SMTPServerDisconnected: down"
    )
    client.force_login(agent)

    page = client.get(f"/tickets/{email_ticket.pk}/").content.decode()

    assert "E-mail delivery" in page
    assert "eleni.p@example.gr" in page
    assert "2 attempts" in page
    assert "SMTPServerDisconnected: down" in page


def test_the_email_body_tag_folds_quoted_history(queues):
    ingest("plain_utf8.eml")
    message = ingest("reply_phone_signature.eml").inbound.ticket_message

    html = Template("{% load mailroom %}{% email_body message %}").render(Context({"message": message}))

    visible, folded = html.split("<details", 1)
    assert "Any news on the refund?" in visible
    assert "Sent from my iPhone" not in visible
    assert "Sent from my iPhone" in folded
    assert "I was charged twice" in folded


def test_the_email_body_tag_points_inline_images_at_the_attachment(queues):
    message = ingest("related_inline_image.eml").inbound.ticket_message
    attachment = message.attachments.get()

    html = Template("{% load mailroom %}{% email_body message %}").render(Context({"message": message}))

    assert f'src="/mail/inline/{attachment.pk}/"' in html
    assert "cid:" not in html


def test_customer_text_is_escaped_in_the_thread(queues):
    evil = corpus("plain_utf8.eml").replace(b"Hello,", b"<script>alert(1)</script>")
    message = ingest_email(raw=evil, source="test").inbound.ticket_message

    html = Template("{% load mailroom %}{% email_body message %}").render(Context({"message": message}))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
