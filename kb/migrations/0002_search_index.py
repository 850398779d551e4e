from django.db import migrations


def create_search_index(apps, schema_editor):
    # PostgreSQL only: the help centre's full-text search. SQLite searches the folded text with LIKE.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS kb_article_search_idx ON kb_article USING gin (search_vector)")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_search_idx")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
