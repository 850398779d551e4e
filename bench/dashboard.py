"""`python -m bench dashboard [--quick]`: the satisfaction dashboard at scale, in PostgreSQL.

Loads 1,250,000 surveys sent over two years (about 1,000,000 responses: 80 % answered), one ticket
each, 200 agents in 10 departments, off-script actions on 5 % of the tickets and reopenings on 3 %,
into its own database (`<DATABASE_URL's name>_bench_dashboard`, or BENCH_DATABASE_URL), generated
server-side with INSERT … SELECT generate_series (progress on stderr). Then it times:

- the selector behind the page and the API (`breakdown(cohort(...), "agent")`) for a quarter and a year;
- `GET /api/reports/csat/?group_by=agent` for the same periods, through Django's test client;
- the whole dashboard page for a quarter (every table and chart), target < 500 ms (issue 17): cold right
  after a new answer in the quarter, cold with both periods changed (nothing cached), and warm (viewed
  again), plus its two costliest sections alone (the breakdown by channel, the off-script comparison) —
  each "before" (insights.selectors at BEFORE, read with `git show`) and "after", one block after the
  other in the same run, once the run has checked that both give every figure of the page alike.

Targets (issue 6): a quarter by agent < 200 ms median, a year < 500 ms. The measuring runs in a child
process so that its Django settings point at the benchmark database. The data is kept and reused
when its size matches (BENCH_RELOAD=1 forces a reload); `--quick` loads 25,000 surveys afresh.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench import _scale
from bench._scale import AGENTS, CUSTOMERS, DATA_DAYS, DATA_START, QUARTER, YEAR

FULL_SURVEYS = 1_250_000
QUICK_SURVEYS = 25_000
RESPONSE_SHARE = 0.8
# An answer's rating, drawn per row: 6 % ones, 6 % twos, 10 % threes, 28 % fours, 50 % fives. (A scalar
# subquery of random() here is evaluated once for the whole load: every answer was a 4 before.)
RATINGS = [1] * 3 + [2] * 3 + [3] * 5 + [4] * 14 + [5] * 25
TARGETS_MS = {"quarter": 200, "year": 500}
PAGE_TARGET_MS = 500  # issue 17: the whole dashboard page for a quarter
# insights.selectors before issue 17's second pass (the channel on the survey, one pass per period):
# the "before" rows run that code against the same data in the same run.
BEFORE = "e06cd66"


def log(message: str) -> None:
    print(f"[dashboard] {message}", file=sys.stderr, flush=True)


def bench_database_url(quick: bool) -> str:
    return _scale.bench_database_url("dashboard", quick)


def run(args) -> list[dict]:
    return _scale.run_child("dashboard", "bench.dashboard", args)


# --- the child process ----------------------------------------------------------------------------


def _load(n: int) -> None:
    """Everything the dashboard reads, generated in the database (no rows travel through Python)."""
    from django.db import connection

    from agents.models import OffscriptKind

    t0 = time.perf_counter()
    kinds = [
        OffscriptKind.objects.get_or_create(slug=slug, defaults={"name": name, "currency": "EUR"})[0]
        for slug, name in (("bench-refund", "Refund"), ("bench-credit", "Credit"))
    ]
    with connection.cursor() as cur:
        staff = _scale.create_staff(cur, seed=0.6)
        agent_ids, agent_dept, agent_queue = staff.agent_ids, staff.agent_dept, staff.agent_queue
        first_customer = staff.first_customer
        log(f"{AGENTS} agents, {CUSTOMERS:,} customers")
        cur.execute(
            """CREATE TEMP TABLE plan AS
               SELECT g,
                      1 + floor(random() * %s)::int AS ai,
                      %s::timestamptz + random() * %s * interval '1 day' AS sent,
                      CASE WHEN random() < %s THEN (%s::int[])[1 + floor(random() * 50)::int] END AS rating,
                      (ARRAY['web','email','email','api','phone'])[1 + floor(random() * 5)::int] AS channel
               FROM generate_series(1, %s) g""",
            [AGENTS, DATA_START, DATA_DAYS, RESPONSE_SHARE, RATINGS, n],
        )
        cur.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        base = cur.fetchone()[0]
        log(f"planned {n:,} solves ({time.perf_counter() - t0:.0f} s)")
        cur.execute(
            """INSERT INTO tickets_ticket (id, subject, status, priority, queue_id, assignee_id, customer_id, channel,
                   language, created_at, updated_at, solved_at, search_document, blocks_customer)
               SELECT %s + g, 'Bench ticket ' || g, 'solved', 'normal', (%s::int[])[ai], (%s::int[])[ai],
                   %s + (g %% %s), channel, 'en', sent - interval '1 day', sent, sent - interval '1 hour', '', false
               FROM plan""",
            [base, agent_queue, agent_ids, first_customer, CUSTOMERS],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket))"
        )
        log(f"{n:,} tickets ({time.perf_counter() - t0:.0f} s)")
        cur.execute(
            """INSERT INTO feedback_survey (ticket_id, customer_id, agent_id, queue_id, department_id, channel,
                   offscript, reopened_after_solve, language, status, skip_reason, solved_at, due_at, sent_at,
                   rating, comment, low_reason, answered_at, answer_count, created_at)
               SELECT %s + g, %s + (g %% %s), (%s::int[])[ai], (%s::int[])[ai], (%s::int[])[ai], channel,
                   g %% 20 = 0 AND g %% 200 <> 0, g %% 33 = 0, 'en',
                   CASE WHEN rating IS NULL THEN 'sent' ELSE 'answered' END, '', sent - interval '1 hour', sent, sent,
                   rating,
                   CASE WHEN rating <= 2 AND g %% 3 = 0 THEN 'It took far too long.'
                        WHEN rating = 5 AND g %% 7 = 0 THEN 'Quick and kind, thank you.' ELSE '' END,
                   CASE WHEN rating <= 2 THEN (ARRAY['wait','competence','outcome','politeness','other'])[1 + g %% 5]
                        ELSE '' END,
                   CASE WHEN rating IS NOT NULL THEN sent + interval '3 hours' END,
                   CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END, sent - interval '1 hour'
               FROM plan""",
            [base, first_customer, CUSTOMERS, agent_ids, agent_queue, agent_dept],
        )
        log(f"{n:,} surveys ({time.perf_counter() - t0:.0f} s)")
        cur.execute(
            """INSERT INTO agents_offscriptaction (ticket_id, agent_id, kind_id, amount, currency, reason, customer_note,
                   status, created_at, approval_level, escalations, over_limits, decision_note, limits_snapshot)
               SELECT %s + g, (%s::int[])[ai], (%s::int[])[1 + g %% 2], 5 + (g %% 50), 'EUR', 'Goodwill', '',
                   CASE WHEN g %% 200 = 0 THEN 'pending' ELSE 'approved' END, sent - interval '2 hours', '', 0,
                   '[]'::jsonb, '', '{}'::jsonb
               FROM plan WHERE g %% 20 = 0""",
            [base, agent_ids, [k.pk for k in kinds]],
        )
        cur.execute(
            """INSERT INTO tickets_ticketevent (ticket_id, kind, old_value, new_value, data, created_at)
               SELECT %s + g, 'status', 'solved', 'open', '{}'::jsonb, sent + interval '1 day'
               FROM plan WHERE g %% 33 = 0""",
            [base],
        )
        log(f"off-script actions and reopenings ({time.perf_counter() - t0:.0f} s)")
        for table in ("tickets_ticket", "feedback_survey", "agents_offscriptaction", "tickets_ticketevent"):
            cur.execute(f"VACUUM ANALYZE {table}")
    log(f"loaded and vacuumed in {time.perf_counter() - t0:.0f} s")


def child() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    n = QUICK_SURVEYS if quick else FULL_SURVEYS

    def have() -> int:
        from feedback.models import Survey

        return Survey.objects.count()

    _scale.prepare(want=n, have=have, load=_load, what="surveys", log=log)
    import datetime as dt

    from django.contrib.auth.models import User
    from django.test import Client

    from feedback.models import Survey
    from identity.oidc import SSO_SESSION_KEY
    from insights import periods, selectors
    from insights.access import Scope

    responses = Survey.objects.filter(rating__isnull=False).count()
    tz = dt.UTC
    runs = 5 if quick else 21
    everything = Scope(None)
    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    session = client.session
    session[SSO_SESSION_KEY] = True  # signed in by the identity provider: no second factor to ask here
    session.save()
    rows = []
    for name, (since, until) in (("quarter", QUARTER), ("year", YEAR)):
        period = periods.Period(dt.date.fromisoformat(since), dt.date.fromisoformat(until), tz)
        sent = selectors.cohort(everything, period).count()

        def by_agent(period=period):
            return selectors.breakdown(selectors.cohort(everything, period), "agent", period)

        def api(since=since, until=until):
            response = client.get("/api/reports/csat/", {"group_by": "agent", "since": since, "until": until})
            assert response.status_code == 200, response.content[:300]
            return response

        assert len(by_agent()) == AGENTS
        for measure, fn in ((f"selector: {name} by agent", by_agent), (f"API: {name} by agent", api)):
            median, p95 = _scale.time_ms(fn, runs)
            target = TARGETS_MS[name]
            log(f"{measure}: median {median:.1f} ms, p95 {p95:.1f} ms")
            rows.append(
                {
                    "benchmark": "dashboard",
                    "measure": f"{measure} (median)",
                    "value": round(median, 1),
                    "unit": "ms",
                    "reference": f"< {target}",
                    "ratio": round(median / target, 2),
                    "note": f"p95 {p95:.1f} ms; {sent:,} surveys in the period; {runs} runs",
                }
            )
    rows += _page_rows(client, quick=quick)
    rows.append(
        {
            "benchmark": "dashboard",
            "measure": "data loaded",
            "value": n,
            "unit": "surveys",
            "note": f"{responses:,} responses, {AGENTS} agents, 2 years; load average {os.getloadavg()[0]:.1f}",
        }
    )
    print(json.dumps(rows))


def _selectors_before():
    """`insights.selectors` as it was at BEFORE (read with `git show`), so that one run times the page before
    and after on the same data and machine; None outside a git checkout."""
    import types

    shown = subprocess.run(
        ["git", "show", f"{BEFORE}:insights/selectors.py"], cwd=_scale.ROOT, capture_output=True, text=True
    )
    if shown.returncode != 0:
        log(f"no git history here: 'before' rows left out ({shown.stderr.strip()[:100]})")
        return None
    module = types.ModuleType("bench_insights_selectors_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(shown.stdout, f"insights/selectors.py@{BEFORE}", "exec"), module.__dict__)
    return module


def _figures(report: dict) -> dict:
    """Every number the dashboard shows, comparable across implementations."""

    def t(tally) -> tuple:
        return (str(tally.key), tally.sent, tally.responses, tally.satisfied, tuple(tally.ratings))

    os_ = report["offscript"]
    return {
        "summary": t(report["summary"]),
        "previous": t(report["previous"]),
        **{f"by {group}": sorted(map(t, rows)) for group, rows in report["by"].items()},
        "trend": [t(bucket) for bucket in report["trend"]],
        "comments": [[c.pk for c in report[side]] for side in ("worst", "best")],
        "low reasons": [(r["key"], r["count"]) for r in report["low_reasons"]],
        "off-script sides": [(t(os_[side].tally), os_[side].reopened) for side in ("with", "without")] + [os_["money"]],
        "off-script kinds": [(t(k["tally"]), k["reopened"], k["money"]) for k in os_["kinds"]],
        "off-script agents": [
            (str(a["key"]), t(a["with"].tally), a["with"].reopened, t(a["without"].tally), a["without"].reopened)
            + (a["money"],)
            for a in os_["agents"]
        ],
    }


def _page_rows(client, *, quick: bool) -> list[dict]:
    """The whole dashboard page for a quarter (every table and chart), and its two costliest sections, as
    they were at BEFORE and as they are, one after the other in this run. Cold: right after a change (the
    periods it touches recompute); warm: viewed again."""
    import datetime as dt

    from feedback import freshness
    from insights import periods, selectors
    from insights.access import Scope

    since, until = QUARTER
    current = periods.Period(dt.date.fromisoformat(since), dt.date.fromisoformat(until), dt.UTC)
    previous = current.shifted_back()  # what the page compares custom dates with
    august = dt.datetime(2025, 8, 15, 12, tzinfo=dt.UTC)
    every_day = [
        dt.datetime.combine(previous.since + dt.timedelta(days=i), dt.time(12), dt.UTC)
        for i in range((current.until - previous.since).days + 1)
    ]
    before = _selectors_before()
    implementations = {"after": selectors}
    if before is not None:
        implementations = {"before": before, **implementations}
    view = selectors.dashboard

    def page(impl) -> None:
        selectors.dashboard = impl.dashboard  # what the view calls
        try:
            response = client.get("/insights/", {"period": "custom", "since": since, "until": until})
        finally:
            selectors.dashboard = view
        assert response.status_code == 200, response.status_code

    def after_answer(impl) -> None:
        freshness.touch([august])  # what a new answer in August does: the quarter's sections recompute
        page(impl)

    def all_cold(impl) -> None:
        freshness.touch(every_day)  # a change in every day of both periods: nothing is cached
        page(impl)

    def channel(impl) -> None:
        with impl._without_jit():
            impl.breakdown(impl.cohort(Scope(None), current, impl.Filters()), "channel", current)

    def offscript(impl) -> None:
        with impl._without_jit():
            impl.offscript(impl.cohort(Scope(None), current, impl.Filters()))

    if before is not None:
        # Exactly the same figures, from the copied fields and one pass, as from the joins they replace.
        found = {
            name: _figures(impl.dashboard(Scope(None), current, previous, impl.Filters(), "week"))
            for name, impl in implementations.items()
        }
        if found["before"] != found["after"]:
            wrong = [k for k in found["after"] if found["after"][k] != found["before"][k]]
            raise SystemExit(f"bench dashboard: the page's figures differ from {BEFORE}'s in {', '.join(wrong)}")
        log(f"every figure of the page equals {BEFORE}'s computation")

    measures = [
        ("whole page, cold: right after a new answer in the quarter", after_answer, PAGE_TARGET_MS),
        ("whole page, cold: both periods changed (nothing cached)", all_cold, PAGE_TARGET_MS),
        ("whole page, warm: viewed again, nothing changed", page, PAGE_TARGET_MS),
        ("section: breakdown by channel (queries only)", channel, None),
        ("section: off-script comparison (queries only)", offscript, None),
    ]
    runs = 5 if quick else 11
    rows = []
    for label, fn, target in measures:
        # One block per implementation (after two warming calls), not interleaved: the old code's joins read
        # the whole tickets table through shared_buffers and would evict the new code's index between calls.
        timed = {
            name: _scale.time_ms(lambda fn=fn, impl=impl: fn(impl), runs) for name, impl in implementations.items()
        }
        for name, (median, p95) in timed.items():
            log(f"{label} [{name}]: median {median:.1f} ms, p95 {p95:.1f} ms")
            row = {"benchmark": "dashboard", "measure": f"{label} [{name}]", "value": round(median, 1), "unit": "ms"}
            notes = [f"p95 {p95:.1f} ms", f"{runs} runs"]
            if name == "after" and "before" in timed:
                row["reference"] = f"before {timed['before'][0]:.1f}"
                row["ratio"] = round(median / timed["before"][0], 2)
            if target:
                notes.append(f"target < {target}: {'met' if median < target else 'MISSED'}")
            if name == "before":
                notes.append(f"insights.selectors at {BEFORE}")
            row["note"] = "; ".join(notes)
            rows.append(row)
    return rows


if __name__ == "__main__":
    child()
