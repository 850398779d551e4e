"""The scale-out benchmark runs end to end in a tiny size: real PostgreSQL primary and streaming replica,
pgbouncer, Redis, HAProxy, two web nodes, two workers and beat; a web node and a worker are killed with
SIGKILL mid-run. Speed is reported, not tested: what is asserted is what a user or a customer would
notice — failures only in flight on the killed node, the node back in rotation, the dashboard read from
the replica, and every e-mail at the SMTP sink exactly once."""

from __future__ import annotations

import os
import re

import pytest

from bench import scaleout
from bench.__main__ import parse_table
from bench.tests import run_benchmark
from helpdesk.testing import require
from helpdesk.testing.servers import HAProxy, PgBouncer, PgCluster, RedisServer


def test_agents_are_spread_over_the_departments_with_one_lead_each():
    accounts = scaleout.agent_accounts(50)
    leads = [a for a in accounts if a[2]]
    assert [u for u, _d, _l in leads] == ["bench_support_1", "bench_billing_1", "bench_shipping_1", "bench_technical_1"]
    assert {d for _u, d, _l in accounts} == {"support", "billing", "shipping", "technical"}
    assert all(re.fullmatch(r"bench_[a-z]+_([2-9]|10)", u) for u, _d, lead in accounts if not lead)


def test_ports_come_from_the_given_range():
    ports = scaleout.Ports("23990-23999")
    taken = [ports.take() for _ in range(3)]
    assert all(23990 <= p <= 23999 for p in taken) and len(set(taken)) == 3


@pytest.mark.slow
def test_a_tiny_scale_out_run_survives_its_kills_and_loses_no_email():
    for what, ok in (
        ("PostgreSQL server binaries", PgCluster.available()),
        ("pgbouncer", PgBouncer.available()),
        ("redis-server", RedisServer.available()),
        ("haproxy", HAProxy.available()),
    ):
        require(ok, what)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    result = run_benchmark("scaleout", "--tickets", "2000", "--minutes", "0.3", "--agents", "4", env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    rows = parse_table(result.stdout)
    measured = {(row[0], row[1]): row for row in rows}
    report = result.stdout + result.stderr[-3000:]

    assert float(measured[("scaleout", "throughput")][2]) > 0, report
    for page in ("inbox", "ticket", "dashboard"):
        assert ("scaleout " + page, "latency median / p95 / p99") in measured, report
    failed = measured[("scaleout", "failed requests")]
    assert "; 0 others" in failed[6], report  # only requests in flight on the killed node may fail
    assert int(measured[("scaleout", "web-1 after its restart")][2]) > 0, report
    replica, dashboards = measured[("scaleout", "dashboards read from the replica")][2].split(" / ")
    # Dashboards whose report was already cached read no database; the first of each lead reads the replica.
    assert 0 < int(replica) <= int(dashboards), report
    expected, received, duplicated, lost = (
        int(n) for n in measured[("scaleout", "e-mails (all) expected / received / duplicated / lost")][2].split(" / ")
    )
    assert expected > 0 and received == expected and duplicated == 0 and lost == 0, report
    assert measured[("scaleout", "worker kill")][2] == "mid-batch", report
    assert ("scaleout", "replica lag median / max") in measured, report
    timeline = [row[6] for row in rows if row[0] == "scaleout timeline"]
    for event in ("kill -9 web-1", "HAProxy: web-1 DOWN", "web-1 restarted", "kill -9 worker-", "worker-"):
        assert any(event in line for line in timeline), report
