"""An off-script action's note to the customer reaches the customer as a public reply, once approved."""

import pytest

from agents import services
from mailroom.models import OutboundEmail, OutboundKind
from tickets.models import Message, MessageKind

pytestmark = pytest.mark.django_db


def record(ticket, by, amount, note="We refunded the second charge; you'll see it in 3 days."):
    return services.record_offscript_action(
        ticket=ticket, by=by, kind="refund", amount=amount, reason="Charged twice", customer_note=note
    )


def test_an_action_approved_at_once_sends_its_note_as_a_public_reply(ticket, agent, staffed):
    record(ticket, agent, "20.00")
    reply = Message.objects.get(ticket=ticket, kind=MessageKind.REPLY)
    assert reply.author == agent and reply.body.startswith("We refunded the second charge")
    mail = OutboundEmail.objects.get(kind=OutboundKind.REPLY, ticket=ticket)
    assert mail.to == ticket.customer.email
    assert "you'll see it in 3 days" in mail.body_text and "&#x27;" not in mail.body_text


def test_the_reply_is_in_the_customers_language(ticket, agent, staffed):
    ticket.customer.language = "pt"
    ticket.customer.save()
    record(ticket, agent, "20.00")
    mail = OutboundEmail.objects.get(kind=OutboundKind.REPLY, ticket=ticket)
    assert mail.language == "pt"
    assert "Responda a este e-mail" in mail.body_text


def test_a_pending_request_tells_the_customer_nothing_until_it_is_approved(ticket, agent, staffed):
    action = record(ticket, agent, "60.00")
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()
    services.approve_offscript_action(action=action, by=staffed[0], note="Fair")
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, author=agent).count() == 1


def test_a_rejected_request_sends_no_note(ticket, agent, staffed):
    action = record(ticket, agent, "60.00")
    services.reject_offscript_action(action=action, by=staffed[0], note="Not this time")
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()


def test_without_a_note_nothing_is_sent(ticket, agent, staffed):
    record(ticket, agent, "20.00", note="")
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()


def test_the_approval_request_e_mail_is_plain_text(ticket, agent, staffed):
    ticket.subject = 'Can\'t log in & "locked"'
    ticket.save()
    record(ticket, agent, "60.00")
    mail = OutboundEmail.objects.get(kind="offscript")
    assert 'Can\'t log in & "locked"' in mail.body_text
    assert "&#x27;" not in mail.body_text and "&amp;" not in mail.body_text and "&quot;" not in mail.body_text
