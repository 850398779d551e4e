"""Latitude behind pgbouncer in transaction mode (DATABASE_POOLER=pgbouncer): real pgbouncer on a
free port in front of the test PostgreSQL, real gunicorn workers and ORM work through it."""

import re
import subprocess
import sys
import textwrap

import pytest

from helpdesk.testing import free_port, require, require_postgres
from helpdesk.testing.deploy import BASE_DIR, Entrypoint, base_env, login, password_for_other_processes
from helpdesk.testing.servers import PgBouncer
from helpdesk.testing.worker import worker_database_url
from tickets.models import Message, Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.slow


@pytest.fixture
def pgbouncer(transactional_db):
    require_postgres()
    require(PgBouncer.available(), "pgbouncer (apt-get install pgbouncer)")
    from django.db import connection

    with PgBouncer(
        pg_host=connection.settings_dict["HOST"] or "127.0.0.1", pg_port=connection.settings_dict["PORT"] or 5432
    ) as bouncer:
        yield bouncer


def pooled_env(pgbouncer, tmp_path, **extra):
    database = worker_database_url().rsplit("/", 1)[1]
    return base_env(
        PYTHON=sys.executable,
        LATITUDE_VAR_DIR=str(tmp_path),
        DATABASE_URL=pgbouncer.url(database),
        DATABASE_POOLER="pgbouncer",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        **extra,
    )


def transactions_through(pgbouncer, database: str) -> int:
    return sum(int(row["total_xact_count"]) for row in pgbouncer.show("STATS") if row["database"] == database)


ORM_WORK = textwrap.dedent(
    """
    import django; django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from tickets.models import Ticket
    from tickets import services
    from django.contrib.auth import get_user_model

    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    ids = [t.pk for t in Ticket.objects.order_by("pk").iterator(chunk_size=2)]
    assert len(ids) == 5, ids
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(skip_locked=True).filter(pk__in=ids)[:3]
        assert len(list(locked)) == 3
    ana = get_user_model().objects.get(username="ana")
    ticket = Ticket.objects.get(pk=ids[0])
    services.write_on_ticket(ticket=ticket, by=ana, body="Through pgbouncer", client_token="pgb-1")
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        assert cursor.fetchone()[0] == "UTC"
    assert timezone.now().tzname() == "UTC"
    print("orm ok")
    """
)


def test_orm_work_runs_through_pgbouncer_in_transaction_mode(pgbouncer, tmp_path, agent, support_queue):
    for n in range(5):
        TicketFactory(queue=support_queue, subject=f"Pooled {n}")
    env = pooled_env(pgbouncer, tmp_path, DB_CONN_MAX_AGE="60")
    result = subprocess.run(
        [sys.executable, "-c", ORM_WORK], env=env, capture_output=True, text=True, timeout=120, cwd=BASE_DIR
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "orm ok" in result.stdout
    assert Message.objects.filter(body="Through pgbouncer").count() == 1
    database = worker_database_url().rsplit("/", 1)[1]
    assert transactions_through(pgbouncer, database) >= 5


def test_web_nodes_serve_pages_and_writes_through_pgbouncer(pgbouncer, tmp_path, agent, support_queue):
    tickets = [TicketFactory(queue=support_queue, subject=f"Pooled {n}") for n in range(3)]
    password_for_other_processes(agent)
    port = free_port()
    # Four gunicorn workers, each keeping its client connection to pgbouncer (CONN_MAX_AGE=60).
    web = Entrypoint("web", env=pooled_env(pgbouncer, tmp_path, PORT=str(port), WEB_CONCURRENCY="4"))
    try:
        web.start(wait_http=port)
        base = f"http://127.0.0.1:{port}"
        session = login(base, "ana")
        for _ in range(3):
            assert session.get(f"{base}/", timeout=20).status_code == 200
            for ticket in tickets:
                assert session.get(f"{base}/tickets/{ticket.pk}/", timeout=20).status_code == 200
        page = session.get(f"{base}/tickets/{tickets[0].pk}/", timeout=20)
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        reply = session.post(
            f"{base}/tickets/{tickets[0].pk}/reply/",
            data={"body": "Hello through the pool", "internal": "0", "token": token, "then_status": ""},
            timeout=20,
        )
        assert reply.status_code in (200, 302), reply.text[:500]
        api = session.get(f"{base}/api/tickets/", timeout=20)
        assert api.status_code == 200 and api.json()["count"] == 3
        assert session.get(f"{base}/healthz", timeout=20).json()["checks"]["database"] == "ok"
    finally:
        web.stop()
    assert Message.objects.filter(ticket=tickets[0], body="Hello through the pool").count() == 1
    assert Ticket.objects.count() == 3
    assert "ERROR" not in pgbouncer.log(), pgbouncer.log()[-2000:]
    assert "Traceback" not in web.log(), web.log()[-4000:]
