"""The audit trail for admins: a search page and the same search as CSV."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import selectors
from audit.forms import AuditSearchForm
from helpdesk.csv_safe import SafeWriter
from tickets.access import role_required
from tickets.models import Role

PER_PAGE = 50
CSV_COLUMNS = ["at", "actor", "kind", "action", "object_type", "object_id", "object", "before", "after", "data"]


def _entries(request: HttpRequest):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, selectors.search(**{k: v for k, v in filters.items() if v})


@require_GET
@role_required(Role.ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    form, entries = _entries(request)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query_string": query.urlencode()})


class _Echo:
    def write(self, value):
        return value


@require_GET
@role_required(Role.ADMIN)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, entries = _entries(request)
    writer = SafeWriter(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for e in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    e.at.isoformat(),
                    e.actor_name,
                    e.kind,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                    json.dumps(e.data, ensure_ascii=False) if e.data else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
