"""What the delivery benchmarks share (`bench surveys`, `bench webhooks`): a counting server in its own
process (so it never shares a GIL with a sender) and a database of their own next to DATABASE_URL's,
created and migrated on first use. (A leading underscore keeps `python -m bench` from taking this
module for a benchmark.)"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import urllib.parse
from collections.abc import Callable


class CountingServer:
    """Runs `serve(port, counter, ready)` in a forked process; `counter` counts what arrived."""

    def __init__(self, serve: Callable, *, error: type[SystemExit], what: str):
        from helpdesk.testing import free_port

        ctx = multiprocessing.get_context("fork")
        self.error, self.what = error, what
        self.port = free_port()
        self.counter = ctx.Value("i", 0)
        ready = ctx.Event()
        self.proc = ctx.Process(target=serve, args=(self.port, self.counter, ready), daemon=True)
        self.proc.start()
        if not ready.wait(15):
            raise error(f"the {what} server did not start")

    @property
    def count(self) -> int:
        return self.counter.value

    def reset(self) -> None:
        with self.counter.get_lock():
            self.counter.value = 0

    def wait_for(self, n: int, timeout: float) -> float:
        """Until n have arrived; returns perf_counter() then."""
        deadline = time.monotonic() + timeout
        while self.count < n:
            if time.monotonic() > deadline:
                raise self.error(f"only {self.count} of {n} {self.what} arrived within {timeout:.0f}s")
            time.sleep(0.005)
        return time.perf_counter()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(5)


def bench_database_url(suffix: str, *, error: type[SystemExit]) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        raise error("needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "latitude") + suffix
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def setup_django(suffix: str, *, error: type[SystemExit], env: dict[str, str] | None = None) -> None:
    """Outside pytest: point Django at the bench database (created if missing), with real Celery, and migrate."""
    import django
    from django.conf import settings

    if settings.configured and "pytest" in sys.modules:
        return  # under pytest: the test database is already in use
    url = bench_database_url(suffix, error=error)
    parts = urllib.parse.urlsplit(url)
    import psycopg2

    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", [parts.path.lstrip("/")])
        if cur.fetchone() is None:
            cur.execute(f'create database "{parts.path.lstrip("/")}"')
    admin.close()
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
