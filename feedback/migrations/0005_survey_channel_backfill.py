"""Fill the survey's report fields from its ticket (what feedback.services.refresh_report_fields does, in SQL
here so that nothing travels through Python), over ranges of ids: the migration is not atomic, so each
batch commits on its own, holds its rows only briefly (an answer arriving meanwhile waits a second at most),
and a run stopped half-way continues where rows still differ. Only rows that differ are written: surveys of
the likeliest channel (0004) with neither flag cost nothing. Then VACUUM ANALYZE, so that the reports'
index-only scans need no visit to the table again."""

from django.db import migrations

BATCH = 10_000  # survey ids per UPDATE

# Solved, then back to new, open or pending (tickets.models.OPEN_STATUSES) after this survey's solve.
_REOPENED = """EXISTS (SELECT 1 FROM tickets_ticketevent AS e WHERE e.ticket_id = s.ticket_id
    AND e.kind = 'status' AND e.old_value = 'solved' AND e.new_value IN ('new', 'open', 'pending')
    AND e.created_at >= s.solved_at)"""
_OFFSCRIPT = """EXISTS (SELECT 1 FROM agents_offscriptaction AS a WHERE a.ticket_id = s.ticket_id
    AND a.status = 'approved')"""
# One pass, each survey's values computed once (index lookups per row: no batch scans a whole table).
POSTGRES = f"""UPDATE feedback_survey AS target SET channel = n.channel, offscript = n.offscript,
        reopened_after_solve = n.reopened
    FROM (SELECT s.id, (SELECT t.channel FROM tickets_ticket AS t WHERE t.id = s.ticket_id) AS channel,
                 {_OFFSCRIPT} AS offscript, {_REOPENED} AS reopened
          FROM feedback_survey AS s WHERE s.id >= %s AND s.id < %s) AS n
    WHERE target.id = n.id AND (target.channel, target.offscript, target.reopened_after_solve)
        IS DISTINCT FROM (n.channel, n.offscript, n.reopened)"""
PORTABLE = [
    """UPDATE feedback_survey AS s SET channel = (SELECT t.channel FROM tickets_ticket AS t WHERE t.id = s.ticket_id)
       WHERE s.id >= %s AND s.id < %s""",
    f"UPDATE feedback_survey AS s SET offscript = TRUE WHERE s.id >= %s AND s.id < %s AND {_OFFSCRIPT}",
    f"UPDATE feedback_survey AS s SET reopened_after_solve = TRUE WHERE s.id >= %s AND s.id < %s AND {_REOPENED}",
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM feedback_survey")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, BATCH):
            for update in [POSTGRES] if postgres else PORTABLE:
                cursor.execute(update, [start, start + BATCH])
        if postgres:
            cursor.execute("VACUUM (ANALYZE) feedback_survey")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("feedback", "0004_survey_channel"),
        ("tickets", "0001_initial"),
        ("agents", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
