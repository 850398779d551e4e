"""Helpers for tests that need a real server: skip with a message naming what is missing, except in
CI (LATITUDE_REQUIRE_ALL=1), where a missing server is a failure, never a silent skip."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("LATITUDE_REQUIRE_ALL") == "1":
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not available here")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_chromium() -> str:
    require(os.path.exists(CHROMIUM) or shutil.which("chromium") is not None, f"Chromium ({CHROMIUM})")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def require_postgres() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "Redis (set REDIS_URL)")
    return url


def kill_process_group(proc: subprocess.Popen | None) -> None:
    """SIGKILL a process started with start_new_session=True and all its children, as a dying host would."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def stop_process_group(proc: subprocess.Popen | None, timeout: float) -> None:
    """SIGTERM the group and wait up to `timeout` seconds for a graceful end; SIGKILL it after that."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        proc.wait(10)
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_process_group(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AXE_SERIOUS = """async (context) => {
  const result = await axe.run(context, {runOnly: ["wcag2a", "wcag2aa"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "));
}"""


def accessibility_problems(page, base_url: str, context: str = "html") -> list[str]:
    """Serious and critical WCAG 2 A/AA violations axe-core (served locally from npm) finds in `context`."""
    page.add_script_tag(url=f"{base_url}/static/vendor/axe-core/axe.min.js")
    return page.evaluate(AXE_SERIOUS, context)


@contextlib.contextmanager
def own_postgres_database(suffix: str):
    """A fresh, empty PostgreSQL database beside the test database (its name + `_suffix`), dropped after:
    yields its URL. For tests that run `manage.py` against a database of their own."""
    import psycopg2
    from django.db import connection

    require_postgres()
    s = connection.settings_dict
    name = f"{s['NAME']}_{suffix}"[:63]
    params = dict(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"])
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
