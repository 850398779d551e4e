"""With DATABASE_REPLICA_URL set, the dashboard's report selectors read from the replica (helpdesk.routers)
and nothing else does. Proved on real gunicorn processes: a replica that is down breaks the dashboard
only, and a replica that answers serves it."""

import sys

import pytest

from helpdesk.routers import ReplicaRouter, read_database, replica_reads
from helpdesk.testing import free_port, require_postgres
from helpdesk.testing.deploy import Entrypoint, base_env, login, password_for_other_processes
from helpdesk.testing.worker import worker_database_url

pytestmark = pytest.mark.slow


def web_with_replica(tmp_path, replica_url: str) -> tuple[Entrypoint, int]:
    port = free_port()
    env = base_env(
        PYTHON=sys.executable,
        LATITUDE_VAR_DIR=str(tmp_path),
        DATABASE_URL=worker_database_url(),
        DATABASE_REPLICA_URL=replica_url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        DB_CONN_MAX_AGE="0",
    )
    return Entrypoint("web", env=env).start(wait_http=port), port


def test_the_dashboard_reads_from_the_replica_and_the_inbox_does_not(transactional_db, tmp_path, manager):
    require_postgres()
    password_for_other_processes(manager)
    down = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    web, port = web_with_replica(tmp_path, down)
    try:
        base = f"http://127.0.0.1:{port}"
        session = login(base, "marta")
        assert session.get(f"{base}/", timeout=20).status_code == 200
        assert session.get(f"{base}/insights/", timeout=20).status_code == 500
        health = session.get(f"{base}/healthz", timeout=20).json()
        assert health["down"] == ["replica"]
    finally:
        web.stop()
    assert "OperationalError" in web.log()


def test_the_dashboard_is_served_from_a_replica_that_answers(transactional_db, tmp_path, manager):
    require_postgres()
    password_for_other_processes(manager)
    web, port = web_with_replica(tmp_path, worker_database_url())
    try:
        base = f"http://127.0.0.1:{port}"
        session = login(base, "marta")
        assert session.get(f"{base}/insights/", timeout=20).status_code == 200
        assert session.get(f"{base}/healthz", timeout=20).json()["status"] == "ok"
    finally:
        web.stop()


def test_without_a_replica_everything_reads_from_the_primary():
    with replica_reads():
        assert read_database() == "default"
    assert ReplicaRouter().db_for_write(None) == "default"
    assert ReplicaRouter().allow_migrate("replica", "tickets") is False
