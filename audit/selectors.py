from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from audit.models import AuditEntry


def search(
    *, q: str = "", kind: str = "", object_type: str = "", since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first; `q` looks in who, what and the object's name and id."""
    qs = AuditEntry.objects.all()
    if q:
        qs = qs.filter(Q(actor_name__icontains=q) | Q(object_repr__icontains=q) | Q(kind__icontains=q) | Q(object_id=q))
    if kind:
        qs = qs.filter(kind=kind)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-id")
