"""agents.Notification → notices.Notice: each row keeps its person, time, read state and text (old rows
were written as text, so they render as that text); new notices are codes with raw params."""

from django.db import migrations

BATCH = 1000


def forwards(apps, schema_editor):
    Notification = apps.get_model("agents", "Notification")
    Notice = apps.get_model("notices", "Notice")
    rows = Notification.objects.select_related("action").order_by("pk").iterator(chunk_size=BATCH)
    batch = []
    for row in rows:
        action = row.action
        decided = row.recipient_id == action.agent_id
        batch.append(
            Notice(
                user_id=row.recipient_id,
                kind="offscript.decided" if decided else "offscript.approval",
                target=f"agents.offscriptaction:{action.pk}",
                params={"text": row.text, "action": action.pk, "ticket": action.ticket_id, "status": action.status},
                created_at=row.created_at,
                read_at=row.read_at,
            )
        )
        if len(batch) >= BATCH:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    Notification = apps.get_model("agents", "Notification")
    Notice = apps.get_model("notices", "Notice")
    for notice in Notice.objects.filter(kind__startswith="offscript.").iterator():
        action_id = notice.params.get("action")
        if action_id:
            Notification.objects.create(
                recipient_id=notice.user_id,
                action_id=action_id,
                text=(notice.params.get("text") or notice.kind)[:300],
                created_at=notice.created_at,
                read_at=notice.read_at,
            )
    Notice.objects.filter(kind__startswith="offscript.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0002_seed_kinds"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
