"""The period's covering indexes again, now with the channel (dropped in 0004 before the backfill)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0005_survey_channel_backfill")]

    operations = [
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", False)),
                fields=["sent_at"],
                include=("id", "agent", "department", "queue", "channel", "ticket", "solved_at", "rating"),
                name="survey_period_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="survey",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", False)),
                fields=["department", "sent_at"],
                include=("id", "agent", "queue", "channel", "ticket", "solved_at", "rating"),
                name="survey_dept_period_cover",
            ),
        ),
    ]
