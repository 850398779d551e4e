"""Replies are sent through a real SMTP server (aiosmtpd): retried with back-off while it is down, sent once."""

import datetime as dt

import pytest
from django.utils import timezone

from mailroom import services
from mailroom.models import OutboundEmail
from mailroom.tests.conftest import ingest
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_ticket(queues, agent):
    ticket = ingest("plain_utf8.eml").inbound.ticket
    OutboundEmail.objects.filter(kind="acknowledgement").delete()  # these tests follow the reply alone
    return ticket


def test_a_reply_is_sent_after_commit_with_both_parts(
    email_ticket, agent, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_services.add_message(ticket=email_ticket, by=agent, body="We refunded the second payment.")
        assert smtp_server.messages == []  # nothing leaves before the reply is committed
    for callback in callbacks:
        callback()

    [received] = smtp_server.wait_for(1)
    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.status == "sent"
    assert mail.attempts == 1
    assert received["Message-ID"] == mail.message_id
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "We refunded the second payment." in plain
    assert "We refunded the second payment." in html


def test_a_server_that_is_down_means_retries_with_back_off_then_exactly_one_mail(
    email_ticket, agent, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_services.add_message(ticket=email_ticket, by=agent, body="Sorry for the wait.")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.status == "queued"
    assert mail.attempts == 1
    assert mail.last_error
    assert mail.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)  # backed off, not hammered

    # Before its time, the sweeper leaves it alone.
    services.sweep_outbound()
    mail.refresh_from_db()
    assert mail.attempts == 1

    # A second failure doubles the wait.
    OutboundEmail.objects.filter(kind="reply").update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    services.sweep_outbound()
    mail.refresh_from_db()
    assert mail.attempts == 2
    assert mail.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)

    smtp_server.start()
    OutboundEmail.objects.filter(kind="reply").update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    services.sweep_outbound()
    services.sweep_outbound()
    assert services.send_outbound(outbound_id=mail.pk) is False  # already sent: never twice

    assert len(smtp_server.wait_for(1)) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert mail.attempts == 3
    assert mail.last_error == ""
    assert len(smtp_server.messages) == 1


def test_a_batch_slower_than_the_stuck_window_leaves_released_rows_to_their_new_owner(smtp_server, settings):
    settings.MAIL_STUCK_AFTER_SECONDS = 0
    ids = [
        services.queue_email(
            to=f"c{i}@example.com", subject=f"Survey {i}", body_text="How did we do?", enqueue=False
        ).pk
        for i in range(3)
    ]
    claimed = services.claim_many(ids)
    # The batch stalls; meanwhile the sweeper takes its rows back and hands them to other workers.
    OutboundEmail.objects.filter(pk__in=ids).update(claimed_at=timezone.now() - dt.timedelta(seconds=5))
    assert services.sweep_outbound() == 3
    smtp_server.wait_for(3)
    # The stalled batch resumes with its old claim: it must not send any of them a second time.
    for outbound in claimed:
        assert services._renew_claim(outbound) is False
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Survey 0", "Survey 1", "Survey 2"]
    assert set(OutboundEmail.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}
