"""A real streaming replica (initdb + pg_basebackup on a port in 5440-5449): Latitude deployed on the
primary with DATABASE_REPLICA_URL at the replica serves the dashboard from it; writes on the primary
reach it; when the replica stops, only the dashboard fails."""

import subprocess
import sys
import time

import pytest

from helpdesk.testing import free_port, require
from helpdesk.testing.deploy import BASE_DIR, Entrypoint, base_env, login, run
from helpdesk.testing.servers import PgCluster

pytestmark = pytest.mark.slow


def test_the_dashboard_is_read_from_a_streaming_replica(tmp_path):
    require(PgCluster.available(), "PostgreSQL server binaries (initdb, pg_basebackup)")
    with PgCluster() as primary:
        primary.sql("CREATE DATABASE latitude")
        port = free_port()
        env = base_env(PYTHON=sys.executable, LATITUDE_VAR_DIR=str(tmp_path), DATABASE_URL=primary.url("latitude"))
        release = run("release", env=env)
        assert release.returncode == 0, release.stderr
        make_manager = (
            "from tickets.tests.factories import UserFactory, DepartmentFactory;"
            "d = DepartmentFactory(name='Support', slug='support');"
            "UserFactory(username='marta', role='manager', department=d)"
        )
        shell = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", make_manager],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert shell.returncode == 0, shell.stderr
        with PgCluster(replica_of=primary) as replica:
            assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
            primary.sql("CREATE TABLE lag_probe (n int)", "latitude")
            primary.sql("INSERT INTO lag_probe VALUES (1)", "latitude")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if replica.sql("SELECT n FROM lag_probe", "latitude") == [(1,)]:
                        break
                except Exception:  # noqa: BLE001 - the table has not arrived yet
                    pass
                time.sleep(0.2)
            else:
                pytest.fail("a write on the primary never reached the replica")

            web_env = {
                **env,
                "DATABASE_REPLICA_URL": replica.url("latitude"),
                "PORT": str(port),
                "WEB_CONCURRENCY": "1",
                "DB_CONN_MAX_AGE": "0",
            }
            web = Entrypoint("web", env=web_env).start(wait_http=port)
            try:
                base = f"http://127.0.0.1:{port}"
                session = login(base, "marta")
                assert session.get(f"{base}/insights/", timeout=30).status_code == 200
                assert session.get(f"{base}/healthz", timeout=30).json()["checks"]["replica"] == "ok"
                replica.stop()
                assert session.get(f"{base}/", timeout=30).status_code == 200
                # Another period than the one cached above: the report must be computed, on the replica that is down.
                assert session.get(f"{base}/insights/?period=this_year", timeout=30).status_code == 500
            finally:
                web.stop()
