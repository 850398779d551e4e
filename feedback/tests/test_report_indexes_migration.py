"""The survey report indexes are feedback's: a database migrated from zero has them (PostgreSQL with
INCLUDE, SQLite as partial indexes), and an existing database keeps its insights_* indexes, renamed."""

import os
import sqlite3
import subprocess
import sys

import psycopg2
import pytest
from django.conf import settings

from feedback.models import REPORT_INDEX_OLD_NAMES
from helpdesk.testing import own_postgres_database

pytestmark = pytest.mark.slow
NEW = sorted(REPORT_INDEX_OLD_NAMES)


def _manage(*args: str, **env: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"SECRET_KEY": "t", **env})
    result = subprocess.run(
        [sys.executable, "manage.py", *args, "-v0"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_sqlite_from_zero_has_the_report_indexes(tmp_path):
    _manage("migrate", LATITUDE_VAR_DIR=str(tmp_path))
    db = sqlite3.connect(tmp_path / "latitude.sqlite3")
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'feedback_survey'")}
    assert set(NEW) <= names
    assert not {n for n in names if n.startswith("insights_")}


@pytest.fixture
def fresh_postgres():
    with own_postgres_database("indexes") as url:
        db = psycopg2.connect(url)
        db.autocommit = True
        yield url, db
        db.close()


def _indexes(db) -> dict[str, str]:
    with db.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'feedback_survey'")
        return dict(cur.fetchall())


def test_postgres_from_zero_and_from_an_existing_database(fresh_postgres, tmp_path):
    url, db = fresh_postgres
    _manage("migrate", DATABASE_URL=url, LATITUDE_VAR_DIR=str(tmp_path))
    found = _indexes(db)
    assert set(NEW) <= set(found)
    assert "INCLUDE" in found["survey_period_cover"] and "WHERE (sent_at IS NOT NULL)" in found["survey_period_cover"]

    # An existing database: migrated before the move, its indexes carry the insights_* names (as they were
    # then: feedback 0004–0006 later rebuilt two of them with the survey's report fields).
    _manage("migrate", "feedback", "0003_h11_report_indexes", DATABASE_URL=url, LATITUDE_VAR_DIR=str(tmp_path))
    then = _indexes(db)
    assert "channel" not in then["survey_period_cover"]
    _manage("migrate", "feedback", "0002_i11_notices", DATABASE_URL=url, LATITUDE_VAR_DIR=str(tmp_path))
    assert not set(NEW) & set(_indexes(db))
    with db.cursor() as cur:
        for new, old in REPORT_INDEX_OLD_NAMES.items():
            definition = then[new].replace(f"INDEX {new} ", f"INDEX {old} ")
            cur.execute(definition)
    _manage("migrate", DATABASE_URL=url, LATITUDE_VAR_DIR=str(tmp_path))
    after = _indexes(db)
    assert set(NEW) <= set(after)
    assert not {n for n in after if n.startswith("insights_")}
    assert after == found
