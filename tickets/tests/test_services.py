"""The ticket workflow through the services: transitions, history, first response, macros, composer, customers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401

from helpdesk.errors import Conflict, DomainError
from tickets import services
from tickets.models import Attachment, EventKind, Macro, Message, Status, Tag, Ticket, TicketEvent
from tickets.tests.factories import TicketFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_create_ticket_records_history_and_sla(support_queue):
    ticket = services.create_ticket(
        subject="Parcel never arrived",
        body="Order 123456 is late.",
        customer_email="Joao@Example.com",
        customer_name="João Santos",
        queue=support_queue,
        priority="high",
    )
    assert ticket.status == Status.NEW
    assert ticket.customer.email == "joao@example.com"
    assert ticket.first_response_due is not None and ticket.resolution_due > ticket.first_response_due
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    assert ticket.messages.get().kind == "customer"


def test_a_new_ticket_can_be_solved_and_reopened(ticket, agent):
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.solved_at is not None
    services.change_status(ticket=ticket, status=Status.OPEN, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.solved_at is None
    events = list(ticket.events.filter(kind=EventKind.STATUS).values_list("old_value", "new_value", "actor"))
    assert events == [("open", "solved", agent.pk), ("solved", "open", agent.pk)]


def test_it_refuses_an_invalid_transition_with_a_clear_message(ticket, agent):
    with pytest.raises(DomainError) as refused:
        services.change_status(ticket=ticket, status=Status.CLOSED, by=agent)
    assert "cannot become closed" in refused.value.message
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert not ticket.events.filter(kind=EventKind.STATUS).exists()


def test_closed_is_final(ticket, agent):
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    services.change_status(ticket=ticket, status=Status.CLOSED, by=agent)
    for status in (Status.OPEN, Status.PENDING, Status.SOLVED, Status.NEW):
        with pytest.raises(DomainError):
            services.change_status(ticket=ticket, status=status, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_unknown_status_is_refused(ticket, agent):
    with pytest.raises(DomainError, match="Unknown status"):
        services.change_status(ticket=ticket, status="archived", by=agent)


def test_first_public_reply_sets_first_response_and_opens_a_new_ticket(support_queue, customer, agent):
    ticket = TicketFactory(queue=support_queue, customer=customer, status=Status.NEW)
    services.add_message(ticket=ticket, by=agent, body="Internal: checking", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.status == Status.NEW
    services.add_message(ticket=ticket, by=agent, body="Hello, we are on it.")
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None and ticket.status == Status.OPEN
    services.add_message(ticket=ticket, by=agent, body="Update: shipped.")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.NOTE, EventKind.STATUS, EventKind.REPLY, EventKind.REPLY]


def test_a_closed_ticket_takes_notes_but_no_replies(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    with pytest.raises(DomainError, match="closed"):
        services.add_message(ticket=ticket, by=agent, body="Hi again")
    services.add_message(ticket=ticket, by=agent, body="For the record", internal=True)
    assert ticket.messages.filter(kind="note").count() == 1


def test_a_customer_message_reopens_a_solved_ticket(ticket, agent):
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    services.add_customer_message(ticket=ticket, body="It broke again")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_assign_priority_queue_and_tags_are_recorded(ticket, agent, teammate, billing_queue):
    services.assign_ticket(ticket=ticket, assignee=teammate, by=agent)
    services.set_priority(ticket=ticket, priority="urgent", by=agent)
    services.move_to_queue(ticket=ticket, queue=billing_queue, by=agent)
    services.set_tags(ticket=ticket, names=["Refund", " vip ", ""], by=agent)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.queue) == (teammate, "urgent", billing_queue)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    rows = list(ticket.events.values_list("kind", "old_value", "new_value"))
    assert rows == [
        (EventKind.ASSIGNEE, "ana", "tomas"),
        (EventKind.PRIORITY, "normal", "urgent"),
        (EventKind.QUEUE, "General support", "Billing"),
        (EventKind.TAGS, "", "refund, vip"),
    ]


def test_macro_placeholders_are_filled(ticket, agent):
    macro = Macro.objects.create(
        name="Hello", body="Dear {{ customer_name }}, {{agent_name}} here about {{ ticket_ref }}. {{ unknown }}"
    )
    text = services.render_macro(macro=macro, ticket=ticket, agent=agent)
    assert text == f"Dear Eleni Papadopoulou, Ana Silva here about {ticket.reference}. {{{{ unknown }}}}"


def test_apply_macro_sets_priority_tags_and_status(ticket, agent):
    macro = Macro.objects.create(name="Solve", body="Done", set_status=Status.SOLVED, set_priority="high")
    macro.add_tags.set([Tag.objects.create(name="resolved-by-macro")])
    services.set_tags(ticket=ticket, names=["vip"], by=agent)
    services.apply_macro(macro=macro, ticket=ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.priority == "high"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["resolved-by-macro", "vip"]
    assert ticket.events.filter(kind=EventKind.MACRO, new_value="Solve").exists()


def test_apply_macro_refuses_an_invalid_transition_and_changes_nothing(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    macro = Macro.objects.create(name="Reopen", body="x", set_status=Status.PENDING, set_priority="urgent")
    with pytest.raises(DomainError):
        services.apply_macro(macro=macro, ticket=ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_apply_macro_of_another_department_is_refused(ticket, agent, billing):
    macro = Macro.objects.create(name="Billing only", body="x", department=billing, set_priority="low")
    with pytest.raises(DomainError, match="another department"):
        services.apply_macro(macro=macro, ticket=ticket, by=agent)


def test_write_on_ticket_posts_once_per_token(ticket, agent):
    services.write_on_ticket(ticket=ticket, by=agent, body="Hello", client_token="abc")
    with pytest.raises(Conflict, match="already sent"):
        services.write_on_ticket(ticket=ticket, by=agent, body="Hello", client_token="abc")
    assert ticket.messages.filter(kind="reply").count() == 1


def test_write_on_ticket_is_all_or_nothing(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.PENDING)
    with pytest.raises(DomainError):
        services.write_on_ticket(ticket=ticket, by=agent, body="Closing", then_status=Status.CLOSED)
    assert not Message.objects.filter(ticket=ticket, author=agent).exists()


def test_write_on_ticket_and_solve(ticket, agent):
    services.write_on_ticket(ticket=ticket, by=agent, body="Refunded.", then_status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.first_response_at is not None


@pytest.mark.parametrize("content, message", [(b"", "is empty"), (b"x" * 11, "larger than the limit")])
def test_bad_attachments_leave_nothing_behind(ticket, agent, settings, content, message):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(DomainError, match=message):
        services.write_on_ticket(
            ticket=ticket,
            by=agent,
            body="See attached",
            attachments=[("ok.txt", b"fine", "text/plain"), ("bad.txt", content, "text/plain")],
        )
    assert not Message.objects.filter(ticket=ticket, author=agent).exists()
    assert not Attachment.objects.exists()
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_attachment_names_are_made_safe(ticket, agent):
    message = services.add_message(
        ticket=ticket, by=agent, body="x", attachments=[("../../etc/pass wd;rm.txt", b"data", "text/plain")]
    )
    attachment = message.attachments.get()
    assert attachment.filename == "pass wd_rm.txt"
    assert "etc" not in attachment.file.name


def test_update_customer(customer, agent):
    services.update_customer(
        customer=customer,
        by=agent,
        name="Eleni P.",
        language="el",
        organisation="Olive Co",
        notes="Calls in the morning",
    )
    customer.refresh_from_db()
    assert (customer.name, customer.organisation, customer.notes) == ("Eleni P.", "Olive Co", "Calls in the morning")
    with pytest.raises(DomainError, match="Unknown language"):
        services.update_customer(customer=customer, by=agent, name="x", language="xx")
