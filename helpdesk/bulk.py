"""Updating many rows, each with its own values, in one statement.

Django's `bulk_update` builds a `CASE WHEN pk = … THEN …` per row and field, and resolving those
expressions costs seconds in Python for a few hundred rows × a dozen fields. On PostgreSQL this
writes `UPDATE … FROM (VALUES …)` instead; elsewhere it falls back to `bulk_update` in small batches.
"""

from __future__ import annotations

from django.db import connection

VALUES_BATCH = 1000
FALLBACK_BATCH = 100


def update_rows(model, rows: list, fields: list[str]) -> None:
    """Write `fields` of these model instances (already holding their new values) by primary key."""
    if not rows or not fields:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, fields, batch_size=FALLBACK_BATCH)
        return
    meta = model._meta
    pk = meta.pk
    columns = [pk] + [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    row_sql = "(" + ", ".join(f"%s::{c.db_type(connection)}" for c in columns) + ")"
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns[1:])
    names = ", ".join(qn(c.column) for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), VALUES_BATCH):
            batch = rows[start : start + VALUES_BATCH]
            params = []
            for obj in batch:
                for column in columns:
                    value = getattr(obj, column.attname)
                    params.append(column.get_db_prep_save(value, connection))
            cursor.execute(
                f"UPDATE {qn(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v({names}) "
                f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}",
                params,
            )
