"""What a survey copies from its ticket for the reports (issue 17): the ticket's channel, whether the ticket
has an approved off-script action, whether it reopened after this solve. With them on the survey, the
dashboard's breakdown by channel and its off-script comparison read the survey's covering indexes instead
of joining every ticket, action and history row of the period.

Three steps so that no lock is held long on a big table: this one adds the columns and drops the two
covering indexes that will include them, so the backfill (0005, in short batches) maintains two indexes
fewer; 0006 builds them again. Until 0006 the reports are correct, only slower.

Adding a column with a constant default is instant on PostgreSQL (the value is kept in the catalogue, no
row is rewritten). The channel column is added with the tickets' most common channel as that value, then
its default becomes "" at once: existing surveys start with the likeliest channel and the backfill rewrites
only the others (rewriting a row costs an entry in each of the table's twenty-odd indexes).
"""

from django.db import migrations, models

CHANNEL = models.CharField(
    choices=[
        ("web", "Web form"),
        ("email", "E-mail"),
        ("api", "API"),
        ("phone", "Phone note"),
        ("internal", "Internal request"),
    ],
    db_default="",
    max_length=10,
    verbose_name="channel",
)


def _channel_field() -> models.CharField:
    field = CHANNEL.clone()
    field.set_attributes_from_name("channel")
    return field


def add_channel(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        schema_editor.add_field(apps.get_model("feedback", "Survey"), _channel_field())
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT channel FROM tickets_ticket GROUP BY channel ORDER BY count(*) DESC LIMIT 1")
        found = cursor.fetchone()
        likeliest = found[0] if found else ""
        cursor.execute(
            "ALTER TABLE feedback_survey ADD COLUMN channel varchar(10) DEFAULT %s NOT NULL", [likeliest]
        )
        cursor.execute("ALTER TABLE feedback_survey ALTER COLUMN channel SET DEFAULT ''")


def remove_channel(apps, schema_editor):
    schema_editor.remove_field(apps.get_model("feedback", "Survey"), _channel_field())


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_h11_report_indexes"), ("tickets", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="survey", name="survey_period_cover"),
        migrations.RemoveIndex(model_name="survey", name="survey_dept_period_cover"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="survey", name="channel", field=CHANNEL)],
            database_operations=[migrations.RunPython(add_channel, remove_channel)],
        ),
        migrations.AddField(model_name="survey", name="offscript", field=models.BooleanField(db_default=False)),
        migrations.AddField(
            model_name="survey", name="reopened_after_solve", field=models.BooleanField(db_default=False)
        ),
    ]
