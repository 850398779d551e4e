"""A real Celery worker on PostgreSQL and Redis sends the deliveries after commit, retries a failure
within a minute, and sends nothing twice after the 2xx."""

from __future__ import annotations

import json
import time

import pytest

from helpdesk.testing import require_postgres, require_redis
from helpdesk.testing.worker import celery_not_eager, celery_worker
from tickets import services as tickets
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus


def wait_until(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.slow
def test_a_real_worker_delivers_retries_and_never_duplicates(transactional_db, manager, support_queue, sink):
    require_postgres()
    require_redis()
    webhook = services.create_webhook(by=manager, url=sink.url, events=["ticket.created"])
    sink.statuses = [500]
    env = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_RETRY_BASE_SECONDS": "2"}
    with celery_not_eager(), celery_worker(env=env, concurrency=2) as worker:
        ticket = tickets.create_ticket(
            subject="Parcel lost", body="Where is it?", customer_email="eleni@example.gr", queue=support_queue
        )
        requests = sink.wait_for(2, timeout=30)  # the failure, then the retry a second or two later
        delivery = wait_until(
            lambda: Delivery.objects.filter(webhook=webhook, status=DeliveryStatus.DELIVERED).first(),
            what="delivered",
        )
        time.sleep(2)  # a duplicate would have arrived by now
        assert len(sink.requests) == 2, worker.log()[-3000:]
    first, second = (json.loads(r["body"]) for r in requests)
    assert first["id"] == second["id"] == str(delivery.id)
    assert first["data"]["ticket"]["id"] == ticket.pk
    assert delivery.attempts == 2
    assert services.sign(webhook.secret, requests[1]["body"]) == requests[1]["headers"]["X-Latitude-Signature"]
