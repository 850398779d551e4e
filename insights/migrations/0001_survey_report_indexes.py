"""Covering indexes for the satisfaction reports, on feedback's survey table (PostgreSQL only).

The feedback app owns the table; these indexes serve only the dashboards, so they live here. Each
report filters surveys by `sent_at` (the period) and optionally by department or agent, and reads only
agent, department, queue and rating: with those INCLUDEd, PostgreSQL answers from the index alone.
"""

from django.db import migrations

INDEXES = {
    "insights_survey_sent_cover": (
        "ON feedback_survey (sent_at) INCLUDE (agent_id, department_id, queue_id, rating) WHERE sent_at IS NOT NULL"
    ),
    "insights_survey_dept_sent_cover": (
        "ON feedback_survey (department_id, sent_at) INCLUDE (agent_id, queue_id, rating) WHERE sent_at IS NOT NULL"
    ),
    "insights_survey_agent_sent_cover": (
        "ON feedback_survey (agent_id, sent_at) INCLUDE (rating, ticket_id) WHERE sent_at IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
