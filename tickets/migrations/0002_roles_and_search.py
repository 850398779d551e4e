from django.db import migrations

ROLES = ["agent", "lead", "manager", "admin"]
SLA = [("low", 24 * 60, 5 * 24 * 60), ("normal", 8 * 60, 3 * 24 * 60), ("high", 2 * 60, 24 * 60), ("urgent", 30, 4 * 60)]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    for priority, first, resolution in SLA:
        SlaPolicy.objects.get_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )


def create_search_index(apps, schema_editor):
    # PostgreSQL only: full-text search over subject, customer and messages. SQLite searches with LIKE.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_search_idx ON tickets_ticket "
        "USING gin (to_tsvector('simple'::regconfig, search_document))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
