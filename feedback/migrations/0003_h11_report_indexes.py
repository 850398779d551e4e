"""The satisfaction reports' covering indexes on feedback_survey move here from insights' migrations
0001/0002 (which are now no-ops): feedback owns the table, so it owns its indexes (Survey.Meta.indexes).

An existing database already has them under their insights_* names: they are renamed (no rebuild). A
new database gets them created here. PostgreSQL builds them with INCLUDE; SQLite as partial indexes.
"""

from django.db import migrations, models
from django.db.models import Q

# As declared in feedback.models.Survey.Meta.indexes when this migration was written (frozen here).
_SENT = Q(sent_at__isnull=False)
REPORT_INDEXES = [
    models.Index(
        fields=["sent_at"],
        include=["id", "agent", "department", "queue", "ticket", "solved_at", "rating"],
        condition=_SENT,
        name="survey_period_cover",
    ),
    models.Index(
        fields=["department", "sent_at"],
        include=["id", "agent", "queue", "ticket", "solved_at", "rating"],
        condition=_SENT,
        name="survey_dept_period_cover",
    ),
    models.Index(
        fields=["agent", "sent_at"], include=["rating", "ticket"], condition=_SENT, name="survey_agent_sent_cover"
    ),
    models.Index(
        fields=["sent_at"],
        include=["id", "rating", "answered_at", "agent", "department", "queue"],
        condition=~Q(comment="") & Q(rating__isnull=False),
        name="survey_comments_cover",
    ),
    models.Index(
        fields=["sent_at"],
        include=["low_reason", "agent", "department", "queue"],
        condition=Q(rating__in=[1, 2]),
        name="survey_low_cover",
    ),
]
REPORT_INDEX_OLD_NAMES = {
    "survey_period_cover": "insights_survey_period",
    "survey_dept_period_cover": "insights_survey_dept_period",
    "survey_agent_sent_cover": "insights_survey_agent_sent_cover",
    "survey_comments_cover": "insights_survey_comments",
    "survey_low_cover": "insights_survey_low",
}


def _index_exists(schema_editor, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", [name])
        return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    Survey = apps.get_model("feedback", "Survey")
    postgres = schema_editor.connection.vendor == "postgresql"
    for index in REPORT_INDEXES:
        old = REPORT_INDEX_OLD_NAMES[index.name]
        if postgres and _index_exists(schema_editor, old):
            schema_editor.execute(f"ALTER INDEX {schema_editor.quote_name(old)} RENAME TO {schema_editor.quote_name(index.name)}")
        elif not (postgres and _index_exists(schema_editor, index.name)):
            schema_editor.add_index(Survey, index)
    if postgres:
        # insights 0002 dropped these two; a database that stopped half-way may still have them.
        for stale in ("insights_survey_sent_cover", "insights_survey_dept_sent_cover"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {stale}")


def backwards(apps, schema_editor):
    Survey = apps.get_model("feedback", "Survey")
    for index in REPORT_INDEXES:
        schema_editor.remove_index(Survey, index)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_i11_notices")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="survey", index=index) for index in REPORT_INDEXES],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
