"""The workbench benchmark runs end to end (no timing asserted: speed is reported, not tested)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory

from bench import workbench
from bench.__main__ import parse_table
from bench.middleware import QueryCountMiddleware
from bench.tests import run_benchmark
from helpdesk.testing import require_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_it_refuses_to_run_without_postgresql():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BENCH_DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "workbench", "--quick"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "needs PostgreSQL" in result.stderr and "DATABASE_URL" in result.stderr


def test_it_uses_a_database_of_its_own(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example:5432/latitude")
    assert workbench.bench_database_url(quick=False) == "postgres://app@db.example:5432/latitude_bench"
    assert workbench.bench_database_url(quick=True) == "postgres://app@db.example:5432/latitude_bench_quick"
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://app@db.example:5432/elsewhere")
    assert workbench.bench_database_url(quick=False).endswith("/elsewhere")


def test_copy_encoding_escapes_what_copy_would_misread():
    assert workbench.Copier.encode("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert workbench.Copier.encode(None) == r"\N"
    assert workbench.Copier.encode(True) == "t"
    assert workbench.Copier.encode({"a": 1}) == json.dumps({"a": 1})


def test_the_query_count_header_counts_the_requests_queries(db):
    def view(request):
        from django.http import HttpResponse

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Query-Count"] == "2"
    assert response["X-Query-Databases"].split()[0] == "default=2"  # per alias: the scale-out bench's replica check


def test_the_reference_view_returns_25_rows_as_json_behind_the_login(agent, support_queue):
    from bench._views import reference
    from tickets.tests.factories import TicketFactory

    TicketFactory.create_batch(30, queue=support_queue)
    request = RequestFactory().get("/bench/reference/")
    request.user = agent
    response = reference(request)
    assert response.status_code == 200
    assert len(json.loads(response.content)["results"]) == 25
    request.user = AnonymousUser()
    assert reference(request).status_code == 302


def test_the_bench_routes_exist_only_when_enabled(client, agent):
    client.force_login(agent)
    assert client.get("/bench/reference/").status_code == 404
    assert "X-Query-Count" not in client.get("/healthz")


@pytest.mark.slow
def test_the_quick_benchmark_runs_end_to_end_and_prints_every_row(db):
    require_postgres()
    env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_URL"}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    result = run_benchmark("workbench", "--quick", "--seconds", "1", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = parse_table(result.stdout)
    measured = {(row[0].split()[0], row[1]): row for row in rows}
    for page in ("reference", "inbox", "ticket", "search", "api"):
        for measure in ("throughput", "median latency", "p99 latency", "SQL queries"):
            row = measured.get((page, measure))
            assert row is not None, f"missing {page} {measure} in\n{result.stdout}"
            assert float(row[2]) >= 0
        assert measured[(page, "throughput")][5], "each page has a ratio to the reference"
        assert int(measured[(page, "SQL queries")][2]) > 0, "the X-Query-Count header reached the driver"
    assert measured[("workbench", "data")][2] == "2,000"
