"""Webhook fan-out throughput: `python -m bench webhooks [--quick]`.

1,000 events (100 with --quick), each subscribed to by 5 webhooks, are emitted in one transaction; from
its commit we time how long until every delivery (5,000) has reached a local HTTP sink, sent by a real
Celery worker (4 processes, keep-alive connections) on PostgreSQL and Redis. Target: ≥ 200 deliveries/s.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. The data goes into a separate database (DATABASE_URL's
name + `_webhooks_bench`), created and migrated on first use, emptied before each run.
"""

from __future__ import annotations

import sys
import time

from bench import _harness

FULL = 1000
QUICK = 100
SUBSCRIPTIONS = 5
TARGET = 200  # deliveries per second
CONCURRENCY = 4


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"webhooks benchmark: {message}")


def _serve(port: int, counter, ready) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with counter.get_lock():
                counter.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


def _setup_django() -> None:
    _harness.setup_django("_webhooks_bench", error=BenchError, env={"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"})


def run(args) -> list[dict]:
    n = QUICK if getattr(args, "quick", False) else FULL
    _setup_django()
    from django.conf import settings
    from django.db import connection, transaction

    from helpdesk.testing.worker import celery_not_eager, celery_worker
    from webhooks import services
    from webhooks.models import Delivery, DeliveryStatus, Webhook

    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with connection.cursor() as cur:
        cur.execute("truncate webhooks_attempt, webhooks_delivery, webhooks_webhook cascade")
    sink = _harness.CountingServer(_serve, error=BenchError, what="deliveries")
    expected = n * SUBSCRIPTIONS
    try:
        for i in range(SUBSCRIPTIONS):
            Webhook.objects.create(
                url=f"http://127.0.0.1:{sink.port}/hook/{i}", events=["ticket.created"], secret=f"bench-secret-{i}"
            )
        env = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
        with celery_not_eager(), celery_worker(env=env, concurrency=CONCURRENCY) as worker:
            with transaction.atomic():
                for i in range(n):
                    services.emit(event="ticket.created", data={"ticket": {"id": i, "subject": f"Order {i} late"}})
            committed = time.perf_counter()
            try:
                arrived = sink.wait_for(expected, timeout=120 + expected * 0.05)
            except BenchError:
                print(worker.log()[-5000:], file=sys.stderr)
                raise
            time.sleep(1)  # a duplicate would show here
            received = sink.count
        delivered = Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
    finally:
        sink.stop()
    seconds = arrived - committed
    rate = expected / seconds
    return [
        {
            "benchmark": "webhooks",
            "measure": f"{n:,} events × {SUBSCRIPTIONS} webhooks: commit → last delivery at the sink",
            "value": f"{seconds:.1f}",
            "unit": "s",
            "note": f"Celery, {CONCURRENCY} worker processes, PostgreSQL, Redis, keep-alive",
        },
        {
            "benchmark": "webhooks",
            "measure": "deliveries per second",
            "value": f"{rate:.0f}",
            "unit": "deliveries/s",
            "reference": f"{TARGET} (target)",
            "ratio": f"{rate / TARGET:.2f}",
            "note": "target ≥ 200" + ("" if rate >= TARGET else " — MISSED"),
        },
        {
            "benchmark": "webhooks",
            "measure": "requests received / deliveries",
            "value": f"{received} / {expected}",
            "unit": "",
            "note": f"{delivered} rows delivered; no duplicates" if received == expected else "MISMATCH",
        },
    ]
