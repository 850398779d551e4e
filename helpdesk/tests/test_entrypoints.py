"""The bin/ entrypoints, run as processes configured by environment only (docs/deploy.md)."""

import json
import sqlite3
import sys

import pytest

from helpdesk.testing import free_port
from helpdesk.testing.deploy import Entrypoint, base_env, http_get, run

pytestmark = pytest.mark.slow


def sqlite_env(tmp_path, **extra):
    return base_env(PYTHON=sys.executable, LATITUDE_VAR_DIR=str(tmp_path), **extra)


@pytest.mark.parametrize("name", ["release", "web", "worker", "beat"])
def test_each_entrypoint_refuses_to_start_in_production_naming_what_is_missing(tmp_path, name):
    result = run(name, env=sqlite_env(tmp_path, LATITUDE_PRODUCTION="1", SECRET_KEY="s" * 50), timeout=60)
    assert result.returncode == 2
    assert "DATABASE_URL must be set; REDIS_URL must be set" in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_release_migrates_collects_static_and_is_idempotent_without_demo_data(tmp_path):
    env = sqlite_env(tmp_path)
    first = run("release", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    second = run("release", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "No migrations to apply." in second.stdout
    assert (tmp_path / "static" / "vendor" / "bootstrap").is_dir()
    db = sqlite3.connect(tmp_path / "latitude.sqlite3")
    assert db.execute("SELECT count(*) FROM tickets_ticket").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM django_celery_beat_periodictask").fetchone()[0] > 0


def test_web_serves_on_port_with_the_given_number_of_workers_and_the_worker_logs_at_info(tmp_path):
    env = sqlite_env(tmp_path)
    assert run("release", env=env).returncode == 0
    port = free_port()
    web = Entrypoint("web", env={**env, "PORT": str(port), "WEB_CONCURRENCY": "2"})
    worker = Entrypoint("worker", env={**env, "WORKER_CONCURRENCY": "1"})
    beat = Entrypoint("beat", env=env)
    try:
        web.start(wait_http=port)
        status, headers, _ = http_get(port, "/accounts/login/")
        assert status == 200
        assert len(headers["X-Request-ID"]) == 32
        assert web.log().count("Booting worker with pid") == 2
        worker.start(wait_log=" ready.")  # logged at INFO: the default level
        beat.start(wait_log="beat: Starting...")
        status, _, body = http_get(port, "/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    finally:
        for process in (beat, worker, web):
            process.stop()


def test_health_names_what_is_down_and_probes_by_ip_need_no_allowed_host(tmp_path):
    closed_pg, closed_redis, port = free_port(), free_port(), free_port()
    env = sqlite_env(
        tmp_path,
        LATITUDE_PRODUCTION="1",
        SECRET_KEY="s" * 50,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_pg}/nothing",
        REDIS_URL=f"redis://127.0.0.1:{closed_redis}/0",
        ALLOWED_HOSTS="help.example.com",
        SECURE_SSL_REDIRECT="1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    web = Entrypoint("web", env=env)
    try:
        web.start(wait_http=port)  # /livez touches nothing: the node is alive with everything down
        status, headers, body = http_get(port, "/healthz", host="10.1.2.3:8000")
        assert status == 503
        report = json.loads(body)
        assert report["down"] == ["database", "cache", "broker"]
        assert report["checks"]["database"].startswith("down: OperationalError")
        assert headers["Cache-Control"] == "no-store"
        assert http_get(port, "/livez", host="10.1.2.3")[0] == 200
        # Only the probes skip the Host check and the HTTPS redirect.
        assert http_get(port, "/accounts/login/", host="10.1.2.3")[0] == 400
        assert http_get(port, "/accounts/login/", host="help.example.com")[0] == 301
        log_line = next(line for line in web.log().splitlines() if '"logger": "gunicorn.access"' in line)
        assert json.loads(log_line)["status"] in (200, 400, 301, 503)
    finally:
        web.stop()
