"""A REAL Celery worker for tests: `celery -A helpdesk worker` in a subprocess, on Redis (REDIS_URL) and
the pytest-django test database, so a test can watch the whole path, kill the worker and restart it.

    def test_it(transactional_db, smtp_server):
        require_postgres(); require_redis()
        with celery_not_eager(), celery_worker(email_url=smtp_server.url) as worker:
            ...                      # work published after commit reaches the worker
            worker.kill()            # SIGKILL, mid-task if you like
            worker.start()

Use it with `transactional_db` (or `live_server`): the worker only sees committed rows. On SQLite the
worker cannot share the test database, hence `require_postgres()`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from helpdesk.testing import kill_process_group, stop_process_group

BASE_DIR = Path(__file__).resolve().parents[2]  # the repository (helpdesk/testing/worker.py)


def worker_database_url() -> str:
    """DATABASE_URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("A worker subprocess needs PostgreSQL: SQLite test databases are not shared")
    auth = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def purge_broker() -> int:
    """Drop messages left in the broker's queue by an earlier run (their ids mean nothing any more)."""
    from helpdesk.celery import app

    return app.control.purge() or 0


@contextmanager
def celery_not_eager():
    """In this block the test process publishes tasks to the real broker instead of running them inline."""
    from helpdesk.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = old


@contextmanager
def broker_unreachable():
    """Point this process's Celery at a closed port: every publish fails as with a broker that is down."""
    from helpdesk.celery import app
    from helpdesk.testing import free_port

    old_url, old_pool, old_producers = app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = old_url, old_pool, old_producers


class CeleryWorker:
    """One `celery -A helpdesk worker` process (and its pool children) in its own process group."""

    def __init__(self, *, env: dict[str, str], concurrency: int = 1, loglevel: str = "INFO", extra_args=()):
        self.env = env
        self.concurrency = concurrency
        self.loglevel = loglevel
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self._log_offset = 0

    def start(self, timeout: float = 60.0) -> CeleryWorker:
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                f"--concurrency={self.concurrency}",
                f"--loglevel={self.loglevel}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
                *self.extra_args,
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool children too
        )
        log.close()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()  # never leave a half-started worker consuming the queue
            raise
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                if b" ready." in f.read():  # logged at INFO: the worker's loglevel must be INFO or DEBUG
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {self.proc.returncode}:\n{self.log()[-4000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"Celery worker not ready within {timeout}s:\n{self.log()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its children, as a crash or an OOM kill would: no warm shutdown, no acks."""
        kill_process_group(self.proc)

    def stop(self, timeout: float = 15.0) -> None:
        stop_process_group(self.proc, timeout)


def worker_env(*, email_url: str = "", site_url: str | None = None, extra: dict | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "SITE_URL": site_url or settings.SITE_URL,
            "DB_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    if email_url:
        env["EMAIL_URL"] = email_url
    env.update(extra or {})
    return env


@contextmanager
def celery_worker(
    *,
    email_url: str = "",
    site_url: str | None = None,
    concurrency: int = 1,
    env: dict | None = None,
    loglevel: str = "INFO",
):
    """Start a real worker against the test database and REDIS_URL; stop it (and drop its queue) after."""
    purge_broker()
    worker = CeleryWorker(
        env=worker_env(email_url=email_url, site_url=site_url, extra=env), concurrency=concurrency, loglevel=loglevel
    )
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        purge_broker()
        worker.log_path.unlink(missing_ok=True)
