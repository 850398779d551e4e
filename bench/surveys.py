"""Survey e-mail throughput: `python -m bench surveys [--quick]`.

20,000 tickets (500 with --quick) are solved in one transaction; from its commit we time how long until
every survey e-mail has reached a local aiosmtpd, sent by a real Celery worker with two worker processes
on PostgreSQL and Redis. Beside it, a plain `smtplib` loop sends the very same messages to the same
server over one connection: the limit. Target: at least half the plain loop's rate.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. The data goes into a separate database (DATABASE_URL's
name + `_surveys_bench`), created and migrated on first use, emptied before each run; yours is untouched.
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import time

from bench import _harness

FULL = 20_000
QUICK = 500
TIMEOUT_PER_MAIL = 0.05  # seconds; generous, only to stop a broken run
LANGUAGES = ["en", "pt", "pt-br", "el", "sr-latn"]


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"surveys benchmark: {message}")


# --- the mail server, in its own process so it never shares a GIL with a sender -------------------


def _serve(port: int, counter, ready) -> None:
    import asyncio
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO

    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        asyncio.run(asyncio.sleep(10**9))
    finally:
        controller.stop()


# --- the database ---------------------------------------------------------------------------------


def _setup_django() -> None:
    _harness.setup_django("_surveys_bench", error=BenchError)


def _load(n: int):
    """n open tickets in one queue with surveys due at once; older bench data removed first."""
    from django.db import connection

    from feedback.models import SurveySettings
    from tickets.models import Customer, Department, Queue, Ticket
    from tickets.tests.factories import UserFactory

    with connection.cursor() as cur:  # a clean slate: tickets, surveys, mail of earlier runs
        cur.execute(
            "truncate notices_notice, feedback_survey, mailroom_outboundemail, tickets_ticketevent, "
            "tickets_message, tickets_ticket cascade"
        )
    department, _ = Department.objects.get_or_create(slug="bench-surveys", defaults={"name": "Bench surveys"})
    queue, _ = Queue.objects.get_or_create(
        slug="bench-surveys", defaults={"name": "Bench surveys", "department": department}
    )
    SurveySettings.objects.update_or_create(
        queue=queue, defaults={"enabled": True, "delay_seconds": 0, "exclusion_days": 0, "sampling_percent": 100}
    )
    agent = UserFactory(username="bench-agent", first_name="Ana", department=department)
    customers = Customer.objects.bulk_create(
        [
            Customer(email=f"bench{i}@customers.example", name=f"Customer {i}", language=LANGUAGES[i % len(LANGUAGES)])
            for i in range(n)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    customers = list(
        Customer.objects.filter(email__startswith="bench", email__endswith="@customers.example").order_by("id")[:n]
    )
    Ticket.objects.bulk_create(
        [
            Ticket(
                subject=f"Order {i} arrived damaged",
                queue=queue,
                customer=customers[i],
                assignee=agent,
                status="open",
                language=customers[i].language,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    return agent, list(Ticket.objects.filter(queue=queue).order_by("id"))


def _solve_all(tickets, agent) -> tuple[float, float]:
    """Solve every ticket in one transaction; returns (seconds spent solving, perf_counter at commit)."""
    from django.db import transaction

    from tickets.services import solve_ticket

    started = time.perf_counter()
    with transaction.atomic():
        for ticket in tickets:
            solve_ticket(ticket=ticket, by=agent)
        solved = time.perf_counter()
    # The clock starts when the solve commits: from here on the surveys are due and on their way.
    return solved - started, solved


def _plain_loop(server: _harness.CountingServer, n: int) -> float:
    """The limit: the same messages, sent by one smtplib connection in a loop."""
    from mailroom.models import OutboundEmail
    from mailroom.services import build_message

    messages = [
        (m.from_email, m.recipients, build_message(m).message().as_bytes(linesep="\r\n"))
        for m in OutboundEmail.objects.filter(kind="survey").order_by("id")[:n]
    ]
    server.reset()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", server.port) as smtp:
        for from_email, to, raw in messages:
            smtp.sendmail(from_email, to, raw)
    finished = server.wait_for(len(messages), timeout=60 + n * TIMEOUT_PER_MAIL)
    return len(messages) / (finished - started)


def _surveys_option() -> int | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--surveys", type=int, default=None)
    known, _rest = parser.parse_known_args(sys.argv[1:])
    return known.surveys


def run(args) -> list[dict]:
    """`--surveys N` times N tickets instead of 20,000 (e.g. on a busy machine)."""
    n = _surveys_option() or (QUICK if getattr(args, "quick", False) else FULL)
    _setup_django()
    from helpdesk.testing.worker import celery_not_eager, celery_worker
    from mailroom.models import OutboundEmail

    agent, tickets = _load(n)
    server = _harness.CountingServer(_serve, error=BenchError, what="e-mails")
    try:
        with celery_not_eager(), celery_worker(email_url=f"smtp://127.0.0.1:{server.port}", concurrency=2) as worker:
            solve_seconds, committed = _solve_all(tickets, agent)
            try:
                arrived = server.wait_for(n, timeout=60 + n * TIMEOUT_PER_MAIL)
            except BenchError:
                print(worker.log()[-5000:], file=sys.stderr)
                raise
            time.sleep(1)  # a duplicate would show here
            received = server.count
        pipeline_seconds = arrived - committed
        sent_rows = OutboundEmail.objects.filter(kind="survey", status="sent").count()
        rate = n / pipeline_seconds
        plain_rate = _plain_loop(server, n)
    finally:
        server.stop()
    ratio = rate / plain_rate
    label = f"{n:,} tickets solved at once"
    return [
        {
            "benchmark": "surveys",
            "measure": f"solve {n:,} tickets in one transaction",
            "value": f"{solve_seconds:.1f}",
            "unit": "s",
            "note": "before the clock starts",
        },
        {
            "benchmark": "surveys",
            "measure": f"{label}: commit → last survey e-mail at aiosmtpd",
            "value": f"{pipeline_seconds:.1f}",
            "unit": "s",
            "note": "Celery, 2 worker processes, PostgreSQL, Redis",
        },
        {
            "benchmark": "surveys",
            "measure": "survey e-mails per second",
            "value": f"{rate:.0f}",
            "unit": "e-mails/s",
            "reference": f"{plain_rate:.0f} (plain smtplib loop)",
            "ratio": f"{ratio:.2f}",
            "note": "target ≥ 0.5" + ("" if ratio >= 0.5 else " — MISSED"),
        },
        {
            "benchmark": "surveys",
            "measure": "e-mails received / surveys",
            "value": f"{received} / {n}",
            "unit": "",
            "note": f"{sent_rows} rows marked sent; no duplicates" if received == n else "MISMATCH",
        },
    ]
