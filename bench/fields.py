"""Custom fields and bulk changes under load: `python -m bench fields [--quick]`.

1. Loads 1,000,000 tickets (20,000 with `--quick`) into a database of its own (DATABASE_URL's name +
   `_bench_fields`), generated in SQL with `generate_series` (status and priority from a hash of the row
   number, so neither follows the field values), each with custom field values: `product`
   (choice, 20 values: 5 % each), `vip` (checkbox, 2 % true) and `order_no` (text, unique), and the
   report row (`insights_ticketstats`) every ticket has in production. A marker keeps the same size
   from being loaded twice.
2. Measures, in a Django process on that database, the inbox's page of 25 tickets filtered by each
   field for an agent (visibility, `fields @> {...}` on the GIN index, newest first) with its count:
   the exact count (before) and the inbox's capped count, "1,000+" (`tickets.views_saved.CappedPaginator`);
   median and p95 of 20 runs, and the whole page (`GET /?view=all&field.…`, in process through every
   middleware, the view and its template, the sidebar's counts cached as after the first visit);
   the plans go to stderr.
3. Bulk changes of 500 open tickets, each rolled back after (what runs after commit included): priority
   and a tag, status to pending, status to solved (a survey each), the assignee and the queue, with
   rules on status and queue changes and a webhook for updates: `apply_changes` ticket after ticket
   (before) against `services_bulk.bulk_change` (batched, after).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.workbench import BenchError, bench_database_url, child_json, ensure_database

ROOT = Path(__file__).resolve().parent.parent
FULL = 1_000_000
QUICK = 20_000
RUNS = 20
TARGET_MS = 100
BULK_TICKETS = 500
PRODUCTS = 20


def _url(quick: bool) -> str:
    base = bench_database_url(quick)
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.replace("_bench", "_bench_fields", 1)))


def run(args) -> list[dict]:
    quick = bool(getattr(args, "quick", False))
    n = QUICK if quick else FULL
    url = _url(quick)
    ensure_database(url)
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", CELERY_TASK_ALWAYS_EAGER="1", LOG_LEVEL="WARNING")
    env.pop("BENCH_DATABASE_URL", None)
    env.pop("REDIS_URL", None)  # in-process cache and jobs: this measures the database
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    return child_json(env, "inner", str(n), module="bench.fields")


def _load(n: int) -> None:
    # The marker's name changes with the data's shape (v2: status and priority independent of the fields).
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction

    from tickets.models import Customer, Department, Profile, Queue, TicketField

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_fields_marker_v2 (tickets integer)")
        cur.execute("SELECT tickets FROM bench_fields_marker_v2")
        row = cur.fetchone()
    if row and row[0] == n:
        sys.stderr.write(f"reusing the {n:,} tickets already loaded\n")
        return
    sys.stderr.write(f"loading {n:,} tickets with custom field values…\n")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE tickets_ticket, tickets_customer, tickets_queue, tickets_department, tickets_ticketfield, "
                "bench_fields_marker_v2 RESTART IDENTITY CASCADE"
            )
        departments = [Department.objects.create(name=f"Dept {i}", slug=f"dept-{i}") for i in range(4)]
        for i, d in enumerate(departments):
            for j in range(2):
                Queue.objects.create(name=f"Queue {i}-{j}", slug=f"q-{i}-{j}", department=d)
        agent, _ = User.objects.get_or_create(username="bench-fields-agent")
        agent.groups.add(Group.objects.get_or_create(name="agent")[0])
        Profile.objects.update_or_create(user=agent, defaults={"department": departments[0]})
        Customer.objects.bulk_create(Customer(email=f"c{i}@example.com", name=f"Customer {i}") for i in range(1000))
        TicketField.objects.create(
            key="product", label="Product", type="choice", choices=[f"p{i:02d}" for i in range(PRODUCTS)]
        )
        TicketField.objects.create(key="vip", label="VIP", type="checkbox")
        TicketField.objects.create(key="order_no", label="Order", type="text")
        with connection.cursor() as cur:
            cur.execute(
                f"""
                INSERT INTO tickets_ticket (subject, status, priority, queue_id, customer_id, channel, language,
                    created_at, updated_at, search_document, blocks_customer, fields)
                SELECT 'Ticket ' || g,
                       (ARRAY['new','open','pending','solved','closed'])[1 + abs(hashint4(g)) %% 5],
                       (ARRAY['low','normal','high','urgent'])[1 + abs(hashint4(g + 1000000007)) %% 4],
                       (SELECT min(id) FROM tickets_queue) + g %% 8,
                       (SELECT min(id) FROM tickets_customer) + g %% 1000,
                       'email', 'en',
                       now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, '', false,
                       jsonb_build_object('product', 'p' || lpad(((g * 7) %% {PRODUCTS})::text, 2, '0'),
                                          'vip', (g %% 50 = 0), 'order_no', 'ORD-' || g)
                FROM generate_series(1, %s) AS g
                """,
                [n],
            )
            cur.execute("INSERT INTO bench_fields_marker_v2 (tickets) VALUES (%s)", [n])
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE tickets_ticket")


def _load_stats() -> None:
    """Every ticket has its report row in production (insights.metrics keeps it): so here too."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM insights_ticketstats)")
        if cur.fetchone()[0]:
            return
        sys.stderr.write("adding the report rows…\n")
        cur.execute(
            """INSERT INTO insights_ticketstats (ticket_id, department_id, queue_id, agent_id, channel, created_at,
                   first_response_due, resolution_due, replies, reopened, merged)
               SELECT t.id, q.department_id, t.queue_id, t.assignee_id, t.channel, t.created_at,
                   t.first_response_due, t.resolution_due, 0, 0, false
               FROM tickets_ticket t JOIN tickets_queue q ON q.id = t.queue_id"""
        )
        cur.execute("VACUUM ANALYZE insights_ticketstats")


def _timed(fn, runs: int = RUNS) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), sorted(timings)[max(0, int(runs * 0.95) - 1)]


def _get(client, params: dict) -> None:
    response = client.get("/", params)
    if response.status_code != 200:
        raise BenchError(f"the inbox answered {response.status_code}")


def _plan(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def _neighbours(queue) -> None:
    """What hangs on ticket changes in production: rules on status and queue changes, and a webhook for
    ticket updates (its delivery rows are written; nothing is sent: `publish` is a no-op here)."""
    from automations.models import Rule
    from webhooks import services as webhooks
    from webhooks.models import Webhook

    for name, field, value, action in [
        ("bench: thank on solve", "status", "solved", {"type": "add_tags", "value": ["thanked"]}),
        ("bench: watch pending", "status", "pending", {"type": "add_note", "value": "Waiting on the customer."}),
        ("bench: moved is high", "queue", str(queue.pk), {"type": "set_priority", "value": "high"}),
    ]:
        Rule.objects.get_or_create(
            name=name,
            defaults={
                "event": "ticket_updated",
                "conditions": [{"field": field, "operator": "is", "value": value}],
                "actions": [action],
                "position": Rule.objects.count() + 1,
            },
        )
    Webhook.objects.get_or_create(
        url="https://hooks.example.com/bench", defaults={"events": ["ticket.updated", "ticket.solved"], "secret": "x"}
    )
    webhooks.publish = lambda ids, **kwargs: None


def _measure(n: int) -> list[dict]:
    from django.contrib.auth.models import User
    from django.core.paginator import Paginator
    from django.db import connection, transaction
    from django.test import Client

    from tickets import access, selectors, services_bulk
    from tickets.models import Queue
    from tickets.views_saved import CappedPaginator

    agent = User.objects.get(username="bench-fields-agent")
    access.roles_of(agent)
    client = Client()
    client.force_login(agent)
    _get(client, {"view": "all"})  # the first page fills the caches (reference data, sidebar counts)
    cases = [
        ("product", "p07", "choice, 5 % match"),
        ("vip", "true", "checkbox, 2 % match"),
        ("order_no", f"ORD-{n // 2}", "text, one match"),
    ]
    rows = []
    for key, value, note in cases:
        qs = selectors.inbox_tickets(agent, selectors.InboxFilters(view="all", fields={key: value}))

        def page(paginator_class, qs=qs):
            page = paginator_class(qs, 25).get_page(1)
            list(page.object_list)
            return page.paginator.count

        exact, exact_p95 = _timed(lambda: page(Paginator))
        capped, capped_p95 = _timed(lambda: page(CappedPaginator))
        sql, params = qs[:25].query.sql_with_params()
        count_sql, count_params = qs.order_by().values("pk")[:1001].query.sql_with_params()
        page_plan = _plan(sql, params)
        count_plan = _plan(f"SELECT count(*) FROM ({count_sql}) capped", count_params)
        sys.stderr.write(f"\n-- field.{key}={value}: page of 25\n{page_plan}\n-- capped count\n{count_plan}\n")
        index = "GIN ticket_fields_gin_idx" if "ticket_fields_gin_idx" in page_plan + count_plan else "no GIN"
        rows.append(
            {
                "benchmark": "fields",
                "measure": f"inbox page of 25, field.{key}={value}, exact count (before)",
                "value": f"{exact:.1f}",
                "unit": "ms (median)",
                "reference": f"< {TARGET_MS} ms",
                "note": f"{n:,} tickets; {note}; p95 {exact_p95:.1f} ms",
            }
        )
        whole, whole_p95 = _timed(lambda key=key, value=value: _get(client, {"view": "all", f"field.{key}": value}))
        rows.append(
            {
                "benchmark": "fields",
                "measure": f"inbox page of 25, field.{key}={value}, whole page (GET /, HTML)",
                "value": f"{whole:.1f}",
                "unit": "ms (median)",
                "reference": f"< {TARGET_MS} ms",
                "note": f"p95 {whole_p95:.1f} ms; middleware, view, template; sidebar counts cached (warm)",
            }
        )
        rows.append(
            {
                "benchmark": "fields",
                "measure": f"inbox page of 25, field.{key}={value}, count capped at 1,000",
                "value": f"{capped:.1f}",
                "unit": "ms (median)",
                "reference": f"< {TARGET_MS} ms",
                "ratio": f"{exact / capped:.1f}× faster" if capped else "",
                "note": f"p95 {capped_p95:.1f} ms; {index}",
            }
        )
    home = Queue.objects.filter(department_id=agent.profile.department_id).order_by("id")
    source, target = home[0], home[1]
    open_ids = list(
        access.visible_tickets(agent)
        .filter(status="open", queue=source, assignee__isnull=True)
        .values_list("pk", flat=True)[:BULK_TICKETS]
    )
    _neighbours(target)

    def rolled_back(fn) -> tuple[float, object]:
        """Time `fn` and what runs after its commit (webhooks' rows, the counts' version), then roll it all back."""
        started = time.perf_counter()
        with transaction.atomic():
            out = fn()
            while connection.run_on_commit:
                callbacks = list(connection.run_on_commit)
                connection.run_on_commit.clear()
                for _sids, callback, _robust in callbacks:
                    callback()
            transaction.set_rollback(True)
        return time.perf_counter() - started, out

    def by_hand(ids: list[int], changes: dict):
        def run():
            tickets = access.visible_tickets(agent).filter(pk__in=ids).select_related("queue").order_by("pk")
            for ticket in tickets:
                with transaction.atomic():  # bulk_change gave each ticket its own transaction
                    services_bulk.apply_changes(ticket=ticket, changes=changes, by=agent)

        return run

    cases = [
        ("priority + tag", {"priority": "urgent", "add_tags": ["bench"]}, "SLA targets, tags"),
        ("status open → pending", {"status": "pending"}, "a rule adds a note on each"),
        ("status open → solved", {"status": "solved"}, "a survey scheduled on each, a rule tags each"),
        ("assignee", {"assignee": agent}, "unassigned → the agent"),
        ("queue", {"queue": target}, f"{source.name} → {target.name}, a rule raises each one's priority"),
    ]
    for label, changes, note in cases:
        slow, _ = rolled_back(by_hand(open_ids, changes))
        fast, results = rolled_back(
            lambda changes=changes: services_bulk.bulk_change(by=agent, ids=open_ids, changes=changes)
        )
        done = sum(r.ok for r in results)
        rows.append(
            {
                "benchmark": "fields",
                "measure": f"bulk: {label}, {len(open_ids)} tickets, per ticket (before)",
                "value": f"{slow:.2f}",
                "unit": "s",
                "reference": "< 5 s",
                "note": "apply_changes one ticket after another, each in its own transaction; rolled back",
            }
        )
        rows.append(
            {
                "benchmark": "fields",
                "measure": f"bulk: {label}, {len(open_ids)} tickets, batched (after)",
                "value": f"{fast:.2f}",
                "unit": "s",
                "reference": "< 5 s",
                "ratio": f"{slow / fast:.1f}× faster" if fast else "",
                "note": f"{done} ok; {note}; webhook rows included; rolled back",
            }
        )
    return rows


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "inner":
        print(__doc__, file=sys.stderr)
        return 2
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise BenchError("needs PostgreSQL")
    n = int(argv[1])
    _load(n)
    _load_stats()
    print(json.dumps(_measure(n)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
