"""Announcement acknowledgements move to the one mechanism, notices.Acknowledgement (target
"recognition.announcement:<id>", version 1); AnnouncementRead keeps only who opened what."""

from django.db import migrations

TARGET = "recognition.announcement:{}"


def forwards(apps, schema_editor):
    AnnouncementRead = apps.get_model("recognition", "AnnouncementRead")
    Acknowledgement = apps.get_model("notices", "Acknowledgement")
    rows = AnnouncementRead.objects.filter(acknowledged_at__isnull=False).values_list(
        "user_id", "announcement_id", "acknowledged_at"
    )
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(user_id=user_id, target=TARGET.format(announcement_id), version=1, acknowledged_at=at)
            for user_id, announcement_id, at in rows.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    AnnouncementRead = apps.get_model("recognition", "AnnouncementRead")
    Acknowledgement = apps.get_model("notices", "Acknowledgement")
    prefix = TARGET.format("")
    for ack in Acknowledgement.objects.filter(target__startswith=prefix).iterator(chunk_size=2000):
        announcement_id = int(ack.target[len(prefix) :])
        read, _created = AnnouncementRead.objects.get_or_create(
            announcement_id=announcement_id, user_id=ack.user_id, defaults={"read_at": ack.acknowledged_at}
        )
        AnnouncementRead.objects.filter(pk=read.pk).update(acknowledged_at=ack.acknowledged_at)
    Acknowledgement.objects.filter(target__startswith=prefix).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0003_i11_notices"),
        ("notices", "0002_h11_acknowledgement"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="announcementread", name="acknowledged_at"),
    ]
