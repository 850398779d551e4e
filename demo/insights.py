"""Operational report rows for the demo: the seeded tickets were bulk-loaded, so their stats are rebuilt."""

import datetime as dt

from django.utils import timezone

from insights import metrics
from tickets.models import Ticket


def seed(stdout) -> None:
    rows = metrics.rebuild()
    first = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    snapshots = metrics.rebuild_backlog(since=first or timezone.now() - dt.timedelta(days=1))
    stdout.write(f"insights: {rows} ticket stats rows and {snapshots} backlog snapshots rebuilt")
