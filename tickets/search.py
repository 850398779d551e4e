"""Search that ignores accents and case in every language (`copia` finds `cópia`, `κινητο` finds `κινητό`).

PostgreSQL: `latitude_fold(text)` = lower(unaccent(text)), an IMMUTABLE wrapper (migration 0006_i12) so
the GIN index can be built on `to_tsvector('simple', latitude_fold(search_document))` and the query
below matches that expression exactly. SQLite: the same function name, registered in Python on each
connection, so one query shape serves both.
"""

from __future__ import annotations

import unicodedata

from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

# Exactly the indexed expression of ticket_search_idx; any difference and PostgreSQL scans the table.
PG_MATCH = (
    'to_tsvector(\'simple\'::regconfig, latitude_fold("tickets_ticket"."search_document")) '
    "@@ websearch_to_tsquery('simple'::regconfig, latitude_fold(%s))"
)

SQLITE_MATCH = 'latitude_fold("tickets_ticket"."search_document") LIKE %s ESCAPE \'\\\''


def fold(text: str) -> str:
    """Lower case without accents: what SQLite compares (PostgreSQL does the same with unaccent)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the latitude_fold() that PostgreSQL has from the migration."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("latitude_fold", 1, fold, deterministic=True)


def full_text(q: str, *, vendor: str) -> Q:
    """A condition for tickets whose document holds every word of `q`, accents and case ignored."""
    if vendor == "postgresql":
        return Q(RawSQL(PG_MATCH, [q], output_field=BooleanField()))
    condition = Q()
    for word in q.split():
        pattern = "%" + fold(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition &= Q(RawSQL(SQLITE_MATCH, [pattern], output_field=BooleanField()))
    return condition
