"""Reads of tickets: filtering, full-text search and ordering shared by the inbox and the API."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from tickets.models import Ticket

ORDERINGS = {
    "updated": "-updated_at",
    "-updated": "updated_at",
    "created": "-created_at",
    "-created": "created_at",
    "priority": "-priority_rank",
    "due": "resolution_due",
}


def search_tickets(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Full-text search on subject, messages and customer (PostgreSQL, GIN-indexed); LIKE on SQLite."""
    q = (q or "").strip()
    if not q:
        return qs
    if q.upper().startswith("LAT-") and q[4:].isdigit():
        return qs.filter(pk=int(q[4:]))
    if connection.vendor == "postgresql":
        # Matches the expression of the ticket_search_idx GIN index (migration 0002).
        vector = SearchVector("search_document", config="simple")
        return qs.annotate(search=vector).filter(search=SearchQuery(q, config="simple", search_type="websearch"))
    condition = Q()
    for word in q.split():
        condition &= Q(search_document__icontains=word)
    return qs.filter(condition)
