"""Wider covering indexes, so the whole dashboard (not only the per-agent table) reads the index alone.

- the period index also carries id, ticket_id and solved_at (off-script comparison, reopen rate);
- partial indexes for the comment lists (answered surveys with a comment) and the low-rating reasons.

PostgreSQL only; SQLite (development, quick tests) has no INCLUDE and needs none at its sizes.
"""

from django.db import migrations

DROP = ["insights_survey_sent_cover", "insights_survey_dept_sent_cover"]

INDEXES = {
    "insights_survey_period": (
        "ON feedback_survey (sent_at) INCLUDE (id, agent_id, department_id, queue_id, ticket_id, solved_at, rating) "
        "WHERE sent_at IS NOT NULL"
    ),
    "insights_survey_dept_period": (
        "ON feedback_survey (department_id, sent_at) INCLUDE (id, agent_id, queue_id, ticket_id, solved_at, rating) "
        "WHERE sent_at IS NOT NULL"
    ),
    "insights_survey_comments": (
        "ON feedback_survey (sent_at) INCLUDE (id, rating, answered_at, agent_id, department_id, queue_id) "
        "WHERE comment <> '' AND rating IS NOT NULL"
    ),
    "insights_survey_low": (
        "ON feedback_survey (sent_at) INCLUDE (low_reason, agent_id, department_id, queue_id) "
        "WHERE rating IN (1, 2)"
    ),
}

OLD = {
    "insights_survey_sent_cover": (
        "ON feedback_survey (sent_at) INCLUDE (agent_id, department_id, queue_id, rating) WHERE sent_at IS NOT NULL"
    ),
    "insights_survey_dept_sent_cover": (
        "ON feedback_survey (department_id, sent_at) INCLUDE (agent_id, queue_id, rating) WHERE sent_at IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in DROP:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, definition in OLD.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_survey_report_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
