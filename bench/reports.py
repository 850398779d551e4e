"""`python -m bench reports [--quick]`: the operational reports at 1,000,000 tickets, in PostgreSQL.

Loads 1,000,000 tickets created over two years (80 % solved, 3 % reopened, SLA targets on all),
200 agents in 10 departments, and their `insights_ticketstats` rows, generated server-side with
INSERT … SELECT generate_series into its own database (`<DATABASE_URL's name>_bench_reports`, or
BENCH_DATABASE_URL). Then it times `/api/reports/operations/` and its selector for a quarter and a
year, grouped by agent, team, queue, channel and week, and the whole operations page for a quarter.

Targets (issue 17): a quarter < 500 ms, a year < 1 s. The data is kept and reused when its size
matches (BENCH_RELOAD=1 reloads); `--quick` loads 20,000 tickets afresh.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench import _scale
from bench._scale import AGENTS, CUSTOMERS, DATA_DAYS, DATA_START, QUARTER, YEAR

FULL_TICKETS = 1_000_000
QUICK_TICKETS = 20_000
TARGETS_MS = {"quarter": 500, "year": 1000}
GROUPS = ("agent", "team", "queue", "channel", "week")


def log(message: str) -> None:
    print(f"[reports] {message}", file=sys.stderr, flush=True)


def bench_database_url(quick: bool) -> str:
    return _scale.bench_database_url("reports", quick)


def run(args) -> list[dict]:
    return _scale.run_child("reports", "bench.reports", args)


def _load(n: int) -> None:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        staff = _scale.create_staff(cur, seed=0.17)
        agent_ids, agent_dept, agent_queue = staff.agent_ids, staff.agent_dept, staff.agent_queue
        first_customer = staff.first_customer
        cur.execute(
            """CREATE TEMP TABLE plan AS
               SELECT g, 1 + floor(random() * %s)::int AS ai,
                      %s::timestamptz + random() * %s * interval '1 day' AS created,
                      (random() * 600)::int AS fr, (random() * 6000)::int AS res,
                      random() < 0.8 AS solved, random() < 0.03 AS reopened, random() < 0.3 AS two_replies,
                      (ARRAY['web','email','email','api','phone'])[1 + floor(random() * 5)::int] AS channel
               FROM generate_series(1, %s) g""",
            [AGENTS, DATA_START, DATA_DAYS, n],
        )
        cur.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        base = cur.fetchone()[0]
        cur.execute(
            """INSERT INTO tickets_ticket (id, subject, status, priority, queue_id, assignee_id, customer_id, channel,
                   language, created_at, updated_at, first_response_at, solved_at, first_response_due, resolution_due,
                   search_document, blocks_customer)
               SELECT %s + g, 'Bench ticket ' || g, CASE WHEN solved THEN 'solved' ELSE 'open' END, 'normal',
                   (%s::int[])[ai], (%s::int[])[ai], %s + (g %% %s), channel, 'en', created, created,
                   created + fr * interval '1 minute',
                   CASE WHEN solved THEN created + res * interval '1 minute' END,
                   created + interval '4 hours', created + interval '72 hours', '', false
               FROM plan""",
            [base, agent_queue, agent_ids, first_customer, CUSTOMERS],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket))"
        )
        log(f"{n:,} tickets ({time.perf_counter() - t0:.0f} s)")
        cur.execute(
            """INSERT INTO insights_ticketstats (ticket_id, department_id, queue_id, agent_id, channel, created_at,
                   first_response_at, first_response_due, first_response_minutes, solved_at, resolution_due,
                   resolution_minutes, replies, reopened, merged)
               SELECT %s + g, (%s::int[])[ai], (%s::int[])[ai], (%s::int[])[ai], channel, created,
                   created + fr * interval '1 minute', created + interval '4 hours', fr,
                   CASE WHEN solved THEN created + res * interval '1 minute' END, created + interval '72 hours',
                   CASE WHEN solved THEN res END, CASE WHEN two_replies THEN 2 ELSE 1 END,
                   CASE WHEN reopened THEN 1 ELSE 0 END, false
               FROM plan""",
            [base, agent_dept, agent_queue, agent_ids],
        )
        log(f"{n:,} stats rows ({time.perf_counter() - t0:.0f} s)")
        for table in ("tickets_ticket", "insights_ticketstats"):
            cur.execute(f"VACUUM ANALYZE {table}")
    log(f"loaded and vacuumed in {time.perf_counter() - t0:.0f} s")


def child() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    n = QUICK_TICKETS if quick else FULL_TICKETS

    def have() -> int:
        from insights.models import TicketStats

        return TicketStats.objects.count()

    _scale.prepare(want=n, have=have, load=_load, what="tickets", log=log)
    import datetime as dt

    from django.contrib.auth.models import User
    from django.test import Client

    from insights import operations, periods
    from insights.access import Scope

    runs = 5 if quick else 11
    everything = Scope(None)
    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    rows = []
    for name, (since, until) in (("quarter", QUARTER), ("year", YEAR)):
        period = periods.Period(dt.date.fromisoformat(since), dt.date.fromisoformat(until), dt.UTC)
        created = operations.created_cohort(everything, period).count()
        for group in GROUPS:

            def api(since=since, until=until, group=group):
                response = client.get("/api/reports/operations/", {"group_by": group, "since": since, "until": until})
                assert response.status_code == 200, response.content[:300]
                return response

            median, p95 = _scale.time_ms(api, runs)
            target = TARGETS_MS[name]
            log(f"API {name} by {group}: median {median:.1f} ms, p95 {p95:.1f} ms")
            rows.append(
                {
                    "benchmark": "reports",
                    "measure": f"API: {name} by {group} (median)",
                    "value": round(median, 1),
                    "unit": "ms",
                    "reference": f"< {target}",
                    "ratio": round(median / target, 2),
                    "note": f"p95 {p95:.1f} ms; {created:,} tickets created in the period; {runs} runs",
                }
            )
    since, until = QUARTER

    def page():
        response = client.get("/insights/operations/", {"period": "custom", "since": since, "until": until})
        assert response.status_code == 200
        return response

    median, p95 = _scale.time_ms(page, max(3, runs // 3))
    log(f"whole operations page, a quarter: median {median:.1f} ms")
    rows.append(
        {
            "benchmark": "reports",
            "measure": "whole operations page: quarter (median)",
            "value": round(median, 1),
            "unit": "ms",
            "note": f"p95 {p95:.1f} ms; summary, previous period, trend, 4 breakdowns, backlog, heat map",
        }
    )
    rows.append({"benchmark": "reports", "measure": "data loaded", "value": n, "unit": "tickets"})
    print(json.dumps(rows))


if __name__ == "__main__":
    child()
