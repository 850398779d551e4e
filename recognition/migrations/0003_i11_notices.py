"""recognition.Notification → notices.Notice. Old rows were written as text in the writer's language;
they keep that text and link (kind "recognition.legacy"); new notices are codes with raw params."""

from django.db import migrations

BATCH = 1000


def forwards(apps, schema_editor):
    Notification = apps.get_model("recognition", "Notification")
    Notice = apps.get_model("notices", "Notice")
    batch = []
    for row in Notification.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            Notice(
                user_id=row.user_id,
                kind="recognition.legacy",
                params={"text": row.text, "url": row.url},
                created_at=row.created_at,
                read_at=row.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    Notification = apps.get_model("recognition", "Notification")
    Notice = apps.get_model("notices", "Notice")
    for notice in Notice.objects.filter(kind="recognition.legacy").iterator():
        Notification.objects.create(
            user_id=notice.user_id,
            text=notice.params.get("text", "")[:300],
            url=notice.params.get("url", "")[:300],
            created_at=notice.created_at,
            read_at=notice.read_at,
        )
    Notice.objects.filter(kind="recognition.legacy").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0002_seed_kudos_values"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
