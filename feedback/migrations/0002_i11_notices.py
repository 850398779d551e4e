"""feedback.SurveyNotice → notices.Notice (kinds "survey.answer" and "survey.low_rating"), with the raw
values the text is rendered from at display time."""

from django.db import migrations

BATCH = 1000
KINDS = {"answer": "survey.answer", "low_rating": "survey.low_rating"}


def forwards(apps, schema_editor):
    SurveyNotice = apps.get_model("feedback", "SurveyNotice")
    Notice = apps.get_model("notices", "Notice")
    batch = []
    for row in SurveyNotice.objects.select_related("survey").order_by("pk").iterator(chunk_size=BATCH):
        survey = row.survey
        batch.append(
            Notice(
                user_id=row.user_id,
                kind=KINDS.get(row.kind, f"survey.{row.kind}"),
                target=f"feedback.survey:{survey.pk}",
                params={
                    "survey": survey.pk,
                    "ticket": survey.ticket_id,
                    "ref": f"LAT-{survey.ticket_id:06d}",
                    "rating": survey.rating,
                },
                created_at=row.created_at,
                read_at=row.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    SurveyNotice = apps.get_model("feedback", "SurveyNotice")
    Notice = apps.get_model("notices", "Notice")
    codes = {v: k for k, v in KINDS.items()}
    for notice in Notice.objects.filter(kind__in=list(codes)).iterator():
        SurveyNotice.objects.get_or_create(
            user_id=notice.user_id,
            survey_id=notice.params["survey"],
            kind=codes[notice.kind],
            defaults={"created_at": notice.created_at, "read_at": notice.read_at},
        )
    Notice.objects.filter(kind__in=list(codes)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="SurveyNotice"),
    ]
