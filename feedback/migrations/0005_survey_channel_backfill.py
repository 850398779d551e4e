"""Fill Survey.channel from each survey's ticket: set-based UPDATEs over ranges of ids, each committed on its
own (the migration is not atomic, so each statement commits), so a big table is never locked as a whole and a run stopped half-way
simply continues where the rows still differ. Nothing travels through Python."""

from django.db import migrations

BATCH = 100_000  # survey ids per UPDATE


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM feedback_survey")
        low, high = cursor.fetchone()
        if low is None:
            return
        if connection.vendor == "postgresql":
            update = """UPDATE feedback_survey AS s SET channel = t.channel FROM tickets_ticket AS t
                        WHERE t.id = s.ticket_id AND s.id >= %s AND s.id < %s AND s.channel <> t.channel"""
        else:
            update = """UPDATE feedback_survey SET channel = (
                            SELECT t.channel FROM tickets_ticket AS t WHERE t.id = feedback_survey.ticket_id)
                        WHERE id >= %s AND id < %s"""
        for start in range(low, high + 1, BATCH):
            cursor.execute(update, [start, start + BATCH])  # autocommit: each batch is its own transaction


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("feedback", "0004_survey_channel"), ("tickets", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
