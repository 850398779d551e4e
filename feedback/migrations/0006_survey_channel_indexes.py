"""The period's covering indexes again, now with the survey's report fields (dropped in 0004 before the
backfill), and a small one over the surveys whose ticket had an approved off-script action."""

from django.db import migrations, models

_SENT = models.Q(("sent_at__isnull", False))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0005_survey_channel_backfill")]

    operations = [
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                condition=_SENT,
                fields=["sent_at"],
                include=("id", "agent", "department", "queue", "channel", "ticket", "rating", "offscript", "reopened_after_solve"),
                name="survey_period_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                condition=_SENT,
                fields=["department", "sent_at"],
                include=("id", "agent", "queue", "channel", "ticket", "rating", "offscript", "reopened_after_solve"),
                name="survey_dept_period_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", False), ("offscript", True)),
                fields=["sent_at"],
                include=("id", "agent", "department", "queue", "channel", "ticket", "rating", "reopened_after_solve"),
                name="survey_offscript_cover",
            ),
        ),
    ]
