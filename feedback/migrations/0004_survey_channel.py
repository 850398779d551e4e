"""What a survey copies from its ticket for the reports (issue 17): the ticket's channel, whether the ticket
has an approved off-script action, whether it reopened after this solve. With them on the survey, the
dashboard's breakdown by channel and its off-script comparison read the survey's covering indexes instead
of joining every ticket, action and history row of the period.

Three steps so that no lock is held long on a big table: this one adds the columns (instant on PostgreSQL:
a constant default is kept in the catalogue, no rewrite) and drops the two covering indexes that will
include them, so the backfill (0005, in batches) maintains two indexes fewer; 0006 builds them again.
Until 0006 the reports are correct, only slower.
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
        migrations.AddField(model_name="survey", name="offscript", field=models.BooleanField(db_default=False)),
        migrations.AddField(model_name="survey", name="reopened_after_solve", field=models.BooleanField(db_default=False)),
    ]
