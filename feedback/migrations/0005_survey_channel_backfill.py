"""Fill the survey's report fields from its ticket (as feedback.services.refresh_report_fields does, in SQL
here so that nothing travels through Python): set-based UPDATEs over ranges of ids, each committed on its
own (the migration is not atomic, so each statement commits), so a big table is never locked as a whole and
a run stopped half-way simply continues where rows still differ. The flags are set only where true (about
one survey in twenty), the channel everywhere."""

from django.db import migrations

BATCH = 100_000  # survey ids per UPDATE

CHANNEL_POSTGRES = """UPDATE feedback_survey AS s SET channel = t.channel FROM tickets_ticket AS t
    WHERE t.id = s.ticket_id AND s.id >= %s AND s.id < %s AND s.channel <> t.channel"""
CHANNEL_PORTABLE = """UPDATE feedback_survey SET channel = (
    SELECT t.channel FROM tickets_ticket AS t WHERE t.id = feedback_survey.ticket_id) WHERE id >= %s AND id < %s"""
OFFSCRIPT = """UPDATE feedback_survey SET offscript = TRUE WHERE id >= %s AND id < %s AND NOT offscript
    AND ticket_id IN (SELECT ticket_id FROM agents_offscriptaction WHERE status = 'approved')"""
# Solved, then back to new, open or pending (tickets.models.OPEN_STATUSES) after this survey's solve.
REOPENED = """UPDATE feedback_survey SET reopened_after_solve = TRUE
    WHERE id >= %s AND id < %s AND NOT reopened_after_solve
    AND ticket_id IN (SELECT ticket_id FROM tickets_ticketevent WHERE kind = 'status' AND old_value = 'solved'
                      AND new_value IN ('new', 'open', 'pending'))
    AND EXISTS (SELECT 1 FROM tickets_ticketevent AS e WHERE e.ticket_id = feedback_survey.ticket_id
                AND e.kind = 'status' AND e.old_value = 'solved' AND e.new_value IN ('new', 'open', 'pending')
                AND e.created_at >= feedback_survey.solved_at)"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    channel = CHANNEL_POSTGRES if connection.vendor == "postgresql" else CHANNEL_PORTABLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM feedback_survey")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, BATCH):
            for update in (channel, OFFSCRIPT, REOPENED):
                cursor.execute(update, [start, start + BATCH])


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("feedback", "0004_survey_channel"),
        ("tickets", "0001_initial"),
        ("agents", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
