"""What the reporting benchmarks at scale share (`bench dashboard`, `bench reports`): their own database
next to DATABASE_URL's, a child process whose settings point at it, the staff every loader creates,
reusing data of the right size, and the timing loop. (A leading underscore keeps `python -m bench`
from taking this module for a benchmark.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# Who works there: agents spread evenly over departments, each department with its queues.
AGENTS, DEPARTMENTS, QUEUES_PER_DEPARTMENT = 200, 10, 2
CUSTOMERS = 50_000
ROOT = Path(__file__).resolve().parent.parent
# The data spans 2024 and 2025 (UTC); the periods measured lie inside it.
DATA_START = "2024-01-01T00:00:00+00:00"
DATA_DAYS = 731
QUARTER = ("2025-07-01", "2025-09-30")
YEAR = ("2025-01-01", "2025-12-31")


def bench_database_url(name: str, quick: bool) -> str:
    """BENCH_DATABASE_URL, or DATABASE_URL's database name + `_bench_<name>` (`_quick` for --quick)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"bench {name} needs PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL)")
    parts = urlparse(base)
    database = parts.path.lstrip("/") or "latitude"
    suffix = f"_bench_{name}" + ("_quick" if quick else "")
    return urlunparse(parts._replace(path="/" + database + suffix))


def run_child(name: str, module: str, args) -> list[dict]:
    """Run `python -m <module>` with Django pointed at the benchmark's database; its last line is the rows."""
    quick = bool(getattr(args, "quick", False))
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(name, quick),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "BENCH_QUICK": "1" if quick else "",
        "DEBUG": "0",
    }
    env.pop("REDIS_URL", None)  # the pages need no cache server here; keep the measure about the database
    result = subprocess.run(
        [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"bench {name} failed (exit {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def ensure_database(url: str, *, fresh: bool, log: Callable[[str], None]) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunparse(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and fresh:
            log(f"dropping database {name}")
            cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            log(f"creating database {name}")
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def prepare(*, want: int, have: Callable[[], int], load: Callable[[int], None], what: str, log) -> None:
    """In the child: create and migrate the database, then load `want` rows unless that many are there."""
    quick = os.environ.get("BENCH_QUICK") == "1"
    url = os.environ["DATABASE_URL"]
    ensure_database(url, fresh=quick or os.environ.get("BENCH_RELOAD") == "1", log=log)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    found = have()
    if found == want:
        log(f"reusing {found:,} {what} already loaded (BENCH_RELOAD=1 to reload)")
        return
    if found:
        log(f"found {found:,} {what}, want {want:,}: reloading")
        ensure_database(url, fresh=True, log=log)
        from django.db import connection

        connection.close()
        call_command("migrate", verbosity=0)
    load(want)


@dataclass
class Staff:
    """The departments, queues and agents every loader creates; per agent index: id, department, queue."""

    agent_ids: list[int]
    agent_dept: list[int]
    agent_queue: list[int]
    first_customer: int


def create_staff(cur, *, seed: float) -> Staff:
    """AGENTS agents in DEPARTMENTS departments (QUEUES_PER_DEPARTMENT queues each), an admin
    `bench-admin` (password demo) and CUSTOMERS customers; the random generator seeded."""
    from django.contrib.auth.models import Group, User

    from tickets.models import Department, Profile, Queue

    departments = [
        Department.objects.create(name=f"Department {d + 1}", slug=f"bench-dept-{d + 1}") for d in range(DEPARTMENTS)
    ]
    queues = [
        Queue.objects.create(name=f"Queue {d.pk}-{q + 1}", slug=f"bench-queue-{d.pk}-{q + 1}", department=d)
        for d in departments
        for q in range(QUEUES_PER_DEPARTMENT)
    ]
    agent_group, _ = Group.objects.get_or_create(name="agent")
    agents = User.objects.bulk_create(
        [User(username=f"bench-agent-{i + 1}", first_name="Agent", last_name=f"{i + 1:03d}") for i in range(AGENTS)]
    )
    Profile.objects.bulk_create(
        [Profile(user=a, department=departments[i % DEPARTMENTS]) for i, a in enumerate(agents)]
    )
    agent_group.user_set.add(*agents)
    admin = User.objects.create_superuser("bench-admin", "bench-admin@example.com", "demo")
    Profile.objects.get_or_create(user=admin)
    cur.execute("SELECT setseed(%s)", [seed])
    cur.execute(
        """INSERT INTO tickets_customer (name, email, language, organisation, notes, created_at)
           SELECT 'Customer ' || g, 'bench-' || g || '@example.com', 'en', '', '', now()
           FROM generate_series(1, %s) g""",
        [CUSTOMERS],
    )
    cur.execute("SELECT min(id) FROM tickets_customer")
    first_customer = cur.fetchone()[0]
    return Staff(
        agent_ids=[a.pk for a in agents],
        agent_dept=[departments[i % DEPARTMENTS].pk for i in range(AGENTS)],
        agent_queue=[
            queues[(i % DEPARTMENTS) * QUEUES_PER_DEPARTMENT + (i // DEPARTMENTS) % 2].pk for i in range(AGENTS)
        ],
        first_customer=first_customer,
    )


def time_ms(fn, runs: int) -> tuple[float, float]:
    """Median and p95 of `runs` calls in milliseconds, after two warming calls (a page opened twice)."""
    fn()
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return median_p95(samples)


def median_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    middle = len(samples) // 2
    median = samples[middle] if len(samples) % 2 else sum(samples[middle - 1 : middle + 1]) / 2
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return median, p95
