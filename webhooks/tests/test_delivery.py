"""Deliveries to a real HTTP sink on 127.0.0.1: signed, retried with back-off, never twice after a 2xx."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from notices.models import Notice
from tickets import services as tickets
from webhooks import services
from webhooks.models import Attempt, Delivery, DeliveryStatus, Webhook


@pytest.fixture
def webhook(manager, sink):
    return services.create_webhook(
        by=manager, url=sink.url, events=["ticket.created", "ticket.updated", "ticket.solved", "message.created"]
    )


def _new_ticket(queue):
    return tickets.create_ticket(
        subject="Parcel lost", body="Where is it?", customer_email="eleni@example.gr", queue=queue
    )


def _due_now(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_new_ticket_is_posted_signed_with_id_event_created_at_and_data(
    webhook, sink, support_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _new_ticket(support_queue)
    created = [r for r in sink.wait_for(1) if json.loads(r["body"])["event"] == "ticket.created"]
    assert len(created) == 1
    request = created[0]
    body = json.loads(request["body"])
    assert set(body) == {"id", "event", "created_at", "data"}
    assert body["data"]["ticket"]["id"] == ticket.pk
    assert body["data"]["ticket"]["customer_email"] == "eleni@example.gr"
    expected = "sha256=" + hmac.new(webhook.secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Latitude-Signature"] == expected
    delivery = Delivery.objects.get(id=body["id"])
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert Attempt.objects.get(delivery=delivery).status_code == 200


def test_a_failed_delivery_is_retried_within_a_minute_then_never_sent_again_after_success(
    webhook, sink, support_queue, django_capture_on_commit_callbacks
):
    sink.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    sink.wait_for(1)
    delivery = Delivery.objects.get(event="ticket.created")
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at - timezone.now() <= dt.timedelta(seconds=60)
    assert "500" in str(Attempt.objects.get(delivery=delivery).status_code)

    _due_now(delivery)  # the back-off has passed
    assert services.attempt_delivery(delivery_id=str(delivery.id)) == DeliveryStatus.DELIVERED
    assert len(sink.requests) == 2
    first, second = (json.loads(r["body"]) for r in sink.requests)
    assert first["id"] == second["id"] == str(delivery.id)  # the same event, the same bytes
    assert sink.requests[0]["body"] == sink.requests[1]["body"]

    # Done is done: neither a late task nor the sweeper sends it again.
    _due_now(delivery)
    assert services.attempt_delivery(delivery_id=str(delivery.id)) is None
    assert services.sweep(now=timezone.now() + dt.timedelta(hours=1)) == 0
    assert len(sink.requests) == 2


def test_retries_back_off_with_jitter_for_more_than_a_day(webhook, settings):
    waits = [services.backoff_seconds(n) for n in range(1, 200)]
    assert 0 < waits[0] <= 60
    assert all(w <= settings.WEBHOOK_RETRY_MAX_SECONDS for w in waits)
    elapsed, attempts = 0.0, 0
    while elapsed + services.backoff_seconds(attempts + 1) <= settings.WEBHOOK_RETRY_HOURS * 3600:
        attempts += 1
        elapsed += services.backoff_seconds(attempts)
    assert elapsed >= 23 * 3600 and settings.WEBHOOK_RETRY_HOURS >= 24


def test_a_delivery_past_its_retry_window_is_given_up(webhook, sink, support_queue, django_capture_on_commit_callbacks):
    sink.statuses = [503, 503]
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    delivery = Delivery.objects.get(event="ticket.created")
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now(), retry_until=timezone.now() + dt.timedelta(seconds=1)
    )
    assert services.attempt_delivery(delivery_id=str(delivery.id)) == DeliveryStatus.FAILED


def test_redirects_are_not_followed(webhook, sink, support_queue, django_capture_on_commit_callbacks):
    sink.statuses = [302]
    sink.extra_headers = {"Location": "http://169.254.169.254/latest/meta-data"}
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    assert len(sink.requests) == 1
    assert Delivery.objects.get(event="ticket.created").status == DeliveryStatus.PENDING


def test_the_address_is_checked_again_when_connecting(
    webhook, sink, support_queue, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = []  # 127.0.0.1 no longer allowed after the webhook was created
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    assert sink.requests == []
    attempt = Attempt.objects.get(delivery__event="ticket.created")
    assert attempt.error.startswith("refused") and attempt.status_code is None


def test_only_subscribed_events_are_sent(manager, sink, support_queue, agent, django_capture_on_commit_callbacks):
    services.create_webhook(by=manager, url=sink.url, events=["ticket.solved"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _new_ticket(support_queue)
    assert sink.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        tickets.solve_ticket(ticket=ticket, by=agent)
    [request] = sink.wait_for(1)
    assert json.loads(request["body"])["event"] == "ticket.solved"


def test_after_100_failures_in_a_row_the_webhook_is_switched_off_and_admins_told(
    webhook, sink, support_queue, admin_user, settings, django_capture_on_commit_callbacks
):
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=settings.WEBHOOK_DISABLE_AFTER_FAILURES - 1)
    sink.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    webhook.refresh_from_db()
    assert not webhook.active and webhook.disabled_at is not None
    notice = Notice.objects.get(user=admin_user, kind="webhooks.disabled")
    assert notice.params["url"] == sink.url
    # A disabled webhook's pending deliveries are cancelled, and no new ones are made.
    delivery = Delivery.objects.get(event="ticket.created")
    _due_now(delivery)
    assert services.attempt_delivery(delivery_id=str(delivery.id)) == DeliveryStatus.CANCELLED
    assert len(sink.requests) == 1


def test_a_success_resets_the_failure_count(webhook, sink, support_queue, django_capture_on_commit_callbacks):
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=7)
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0


def test_redelivering_a_delivered_event_marks_it_as_a_redelivery(
    webhook, sink, support_queue, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _new_ticket(support_queue)
    delivery = Delivery.objects.get(event="ticket.created")
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery=delivery, by=manager)
    assert len(sink.requests) == 2
    assert "X-Latitude-Redelivery" not in sink.requests[0]["headers"]
    assert sink.requests[1]["headers"]["X-Latitude-Redelivery"] == "1"


def test_a_reply_is_a_message_created_event(webhook, sink, support_queue, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _new_ticket(support_queue)
    sink.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(ticket=ticket, by=agent, body="It is on its way.", internal=False)
    events = [json.loads(r["body"]) for r in sink.requests]
    [message] = [e for e in events if e["event"] == "message.created"]
    assert message["data"]["message"]["body"] == "It is on its way."
    assert message["data"]["message"]["internal"] is False
