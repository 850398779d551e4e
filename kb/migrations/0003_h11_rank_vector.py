"""Help-centre search ranks on the title's own small tsvector (the whole text's vector is TOASTed and
ranking every match on it cost most of a search); filled here for existing articles, per language."""

import django.contrib.postgres.search
from django.db import migrations

# As kb.search.LANGUAGE_CONFIGS when this was written; `simple` where the server lacks one.
CONFIGS = {"en": "english", "pt": "portuguese", "pt-br": "portuguese", "el": "greek", "sr": "serbian", "sr-latn": "serbian"}


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        available = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT language FROM kb_article")
        for (language,) in cursor.fetchall():
            config = CONFIGS.get(language, "simple")
            cursor.execute(
                "UPDATE kb_article SET rank_vector = to_tsvector(%s::regconfig, split_part(search_text, E'\\n', 1)) "
                "WHERE language = %s",
                [config if config in available else "simple", language],
            )


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_search_index")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
