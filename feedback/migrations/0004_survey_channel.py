"""Survey.channel: the ticket's channel on the survey, so the reports' breakdown by channel reads the survey's
covering index instead of joining every ticket of the period (issue 17).

Three steps so that no lock is held long on a big table: this one adds the column (instant on PostgreSQL:
a constant default is stored in the catalogue, no rewrite) and drops the two covering indexes that will
include it, so the backfill (0005, in batches) maintains two indexes fewer; 0006 builds them again with
the channel. Until 0006 the reports are correct, only slower.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_h11_report_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="survey", name="survey_period_cover"),
        migrations.RemoveIndex(model_name="survey", name="survey_dept_period_cover"),
        migrations.AddField(
            model_name="survey",
            name="channel",
            field=models.CharField(
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
            ),
        ),
    ]
