"""Search ignores accents and case: the GIN index is rebuilt on latitude_fold(search_document).

latitude_fold = lower(unaccent(text)) declared IMMUTABLE (unaccent itself is only STABLE, because its
dictionary could change), which is what lets PostgreSQL index it. The dictionary is named explicitly
so the result does not depend on search_path. SQLite gets the same function from Python (tickets.search).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION latitude_fold(text) RETURNS text "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$ "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT",
    "DROP INDEX IF EXISTS ticket_search_idx",
    "CREATE INDEX ticket_search_idx ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, latitude_fold(search_document)))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ticket_search_idx",
    "CREATE INDEX ticket_search_idx ON tickets_ticket "
    "USING gin (to_tsvector('simple'::regconfig, search_document))",
    "DROP FUNCTION IF EXISTS latitude_fold(text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_ticketevent_by_rule")]

    operations = [migrations.RunPython(forward, backward)]
