"""A deployer's path, end to end: a fresh clone of this commit, configured by environment only, through
bin/release, bin/web, bin/worker and bin/beat, on a PostgreSQL database of its own, Redis and an SMTP
server, driven over HTTP as an agent would (login, a ticket through the API, a reply e-mailed)."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from helpdesk.testing import free_port, own_postgres_database, require, require_redis
from helpdesk.testing.deploy import BASE_DIR, Entrypoint, base_env, login, run
from helpdesk.testing.smtp import SmtpServer

pytestmark = [pytest.mark.slow, pytest.mark.worker]


@pytest.fixture
def clone(tmp_path):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True)
    require(head.returncode == 0, "a git checkout")
    target = tmp_path / "latitude"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(BASE_DIR), str(target)], check=True)
    subprocess.run(["git", "checkout", "--quiet", head.stdout.strip()], cwd=target, check=True)
    # What an image build does besides the clone: the Python packages (PYTHON below) and `npm ci`.
    (target / "node_modules").symlink_to((BASE_DIR / "node_modules").resolve())
    return target


@pytest.fixture
def own_database():
    with own_postgres_database("deploy") as url:
        yield url


def test_a_fresh_clone_deploys_through_the_entrypoints_and_serves_an_agent(clone, own_database, tmp_path):
    redis_url = require_redis()
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = base_env(
        PYTHON=sys.executable,
        LATITUDE_PRODUCTION="1",
        SECRET_KEY="deploy-test-" + os.urandom(24).hex(),
        DATABASE_URL=own_database,
        REDIS_URL=redis_url,
        EMAIL_URL=smtp.url,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=base,
        PORT=str(port),
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
    )
    release = run("release", env=env, root=clone)
    assert release.returncode == 0, release.stdout + release.stderr
    assert (clone / "locale" / "pt" / "LC_MESSAGES" / "django.mo").exists()
    again = run("release", env=env, root=clone)
    assert again.returncode == 0 and "No migrations to apply." in again.stdout

    # The deployer's first steps: an administrator, and a department with its queue.
    admin = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--no-input"],
        cwd=clone,
        env={
            **env,
            "DJANGO_SUPERUSER_USERNAME": "root",
            "DJANGO_SUPERUSER_PASSWORD": "Deploy-pass-1",
            "DJANGO_SUPERUSER_EMAIL": "root@example.com",
        },
        capture_output=True,
        text=True,
    )
    assert admin.returncode == 0, admin.stderr
    setup = (
        "from tickets.models import Department, Queue;"
        "d = Department.objects.create(name='Support', slug='support');"
        "Queue.objects.create(name='General', slug='general', department=d, email_address='help@latitude.example')"
    )
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", setup], cwd=clone, env=env, capture_output=True, text=True
    )
    assert shell.returncode == 0, shell.stderr

    web = Entrypoint("web", env=env, root=clone)
    worker = Entrypoint("worker", env=env, root=clone)
    beat = Entrypoint("beat", env=env, root=clone)
    try:
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "helpdesk", "purge", "-f"], cwd=clone, env=env, capture_output=True
        )
        web.start(wait_http=port)
        worker.start(wait_log=" ready.")
        beat.start(wait_log="beat: Starting...")

        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200, health.text
        session = login(base, "root", "Deploy-pass-1")
        assert session.get(f"{base}/", timeout=20).status_code == 200

        token = requests.post(
            f"{base}/api/auth/token/", data={"username": "root", "password": "Deploy-pass-1"}, timeout=20
        )
        api = requests.Session()
        api.headers["Authorization"] = f"Token {token.json()['token']}"
        created = api.post(
            f"{base}/api/tickets/",
            json={"subject": "My parcel never came", "body": "Ordered on Monday.", "customer_email": "eva@example.org"},
            timeout=20,
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]
        assert session.get(f"{base}/tickets/{ticket_id}/", timeout=20).status_code == 200

        reply = api.post(
            f"{base}/api/tickets/{ticket_id}/messages/",
            json={"body": "It is on its way, tracking number 42.", "internal": False},
            headers={"X-Request-ID": "deploy-test-request-0001"},
            timeout=20,
        )
        assert reply.status_code == 201, reply.text
        assert reply.headers["X-Request-ID"] == "deploy-test-request-0001"

        deadline = time.monotonic() + 60
        sent = []
        while time.monotonic() < deadline and not sent:
            sent = [m for m in smtp.messages if "tracking number 42" in m.get_body(("plain",)).get_content()]
            time.sleep(0.2)
        assert len(sent) == 1, [m["Subject"] for m in smtp.messages]
        assert sent[0]["To"] == "eva@example.org"

        # The worker logs JSON lines, and the task sending that mail carries the reply's request id.
        lines = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
        assert any(line.get("request_id") == "deploy-test-request-0001" for line in lines), worker.log()[-3000:]
        beat.wait_log("Sending due task", timeout=60)
    finally:
        for process in (beat, worker, web):
            process.stop()
        smtp.stop()
    assert "Traceback" not in web.log(), web.log()[-4000:]
