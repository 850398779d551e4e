"""The dashboard benchmark runs end to end in quick mode (its own PostgreSQL database, 25,000 surveys).
It measures nothing here: speed is for `python -m bench dashboard`, not for tests."""

import argparse

import pytest

from helpdesk.testing import require_postgres

pytestmark = pytest.mark.slow


def test_the_quick_benchmark_loads_its_data_and_reports_every_measure(db):
    require_postgres()
    from bench import dashboard

    rows = dashboard.run(argparse.Namespace(quick=True))
    by_measure = {row["measure"]: row for row in rows}
    for measure in (
        "selector: quarter by agent (median)",
        "API: quarter by agent (median)",
        "selector: year by agent (median)",
        "API: year by agent (median)",
        "whole page, cold: right after a new answer in the quarter [before]",
        "whole page, cold: right after a new answer in the quarter [after]",
        "whole page, cold: both periods changed (nothing cached) [after]",
        "whole page, warm: viewed again, nothing changed [after]",
        "section: breakdown by channel (queries only) [before]",
        "section: off-script comparison (queries only) [after]",
    ):
        assert by_measure[measure]["value"] > 0 and by_measure[measure]["unit"] == "ms"
    # Timed in the same run: the "after" rows carry their ratio to "before".
    cold = by_measure["whole page, cold: right after a new answer in the quarter [after]"]
    assert cold["ratio"] > 0 and cold["reference"].startswith("before ")
    assert by_measure["selector: quarter by agent (median)"]["reference"] == "< 200"
    assert by_measure["selector: year by agent (median)"]["reference"] == "< 500"
    assert by_measure["data loaded"]["value"] == dashboard.QUICK_SURVEYS


def test_the_benchmark_database_is_its_own(monkeypatch):
    from bench import dashboard

    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/latitude")
    assert dashboard.bench_database_url(False) == "postgres://postgres@127.0.0.1:5432/latitude_bench_dashboard"
    assert dashboard.bench_database_url(True).endswith("/latitude_bench_dashboard_quick")
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(SystemExit, match="needs PostgreSQL"):
        dashboard.bench_database_url(False)
