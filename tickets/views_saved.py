"""The inbox's saved views (sidebar with counts, save / edit / delete), its custom-field columns, its
capped count and its CSV export. Thin views over tickets.services_views and tickets.selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.csv_safe import SafeWriter
from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import selectors, services_views
from tickets.access import staff_required
from tickets.forms import InboxFilterForm, SavedViewForm
from tickets.models import FieldType, SavedView

# The inbox counts at most this many matching tickets ("1,000+"): an exact count of a broad filter
# over a million tickets reads every match; a capped one stops at the cap (see bench/fields.py).
COUNT_CAP = 1000
# A CSV export holds at most this many tickets (the newest first, as the inbox shows them).
EXPORT_MAX = 10_000
EXPORT_CHUNK = 500


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: `SELECT count(*) FROM (… LIMIT cap + 1)`; `capped` says so."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _capped_count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)

    @property
    def capped(self) -> bool:
        return self._capped_count > self.cap


class SearchPaginator(CappedPaginator):
    """For a full-text search: the page and the number of matches in one query
    (`COUNT(*) OVER ()`). When PostgreSQL reads the matches through the full-text index and sorts them
    (its plan at 1,000,000 tickets, measured before `ticket_urgency_idx` existed), it reads every match
    anyway; counting them in the same pass saved the second bitmap scan a separate count made (half of
    the search's database time)."""

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(_matches=Window(Count("pk")))[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().get_page(number)  # past the end: the last page, as Django's paginator does
        total = rows[0]._matches if rows else 0
        self.__dict__["_capped_count"] = total
        self.__dict__["count"] = min(total, self.cap)
        return self._get_page(rows, number, self)


def view_filters(user, view: SavedView) -> selectors.InboxFilters:
    """What a saved view shows, parsed as the inbox parses its query string (bad values ignored)."""
    query = QueryDict(mutable=True)
    for name, value in (view.query or {}).items():
        query[name] = value
    return InboxFilterForm(query, user=user).filters()


def view_url(view: SavedView) -> str:
    return reverse("tickets:inbox") + "?" + urlencode({**(view.query or {}), "saved": view.pk})


def field_columns() -> list[dict]:
    """The custom fields admins chose to show as inbox columns."""
    return [f for f in selectors.filterable_fields() if f.get("inbox_column")]


def inbox_context(request: HttpRequest, query: QueryDict) -> dict:
    """The inbox's sidebar of saved views and the built-in tabs' counts, all from one aggregate query
    (cached until the next ticket change), plus the custom-field columns and the save form's state."""
    user = request.user
    views = selectors.saved_views_for(user)
    counts = selectors.view_counts(
        user, {f"saved{v.pk}": selectors.filters_q(user, view_filters(user, v)) for v in views}
    )
    active_pk = int(request.GET["saved"]) if is_id(request.GET.get("saved", "")) else None
    active = next((v for v in views if v.pk == active_pk), None)
    current = services_views.clean_query(query)
    return {
        "counts": counts,
        "saved_views": [
            {
                "view": v,
                "url": view_url(v),
                "count": counts.get(f"saved{v.pk}", 0),
                "active": v.pk == active_pk,
                "editable": services_views.can_edit_view(user, v),
            }
            for v in views
        ],
        "active_saved_view": active,
        "active_saved_view_changed": active is not None and current != services_views.clean_query(active.query),
        "active_saved_view_editable": active is not None and services_views.can_edit_view(user, active),
        "field_columns": field_columns(),
        "saved_query": urlencode(current),
        "save_view_form": SavedViewForm(user=user),
    }


def _back_to_inbox(query: str):
    query = query if query and not query.startswith(("/", "http")) else ""
    return redirect(reverse("tickets:inbox") + (f"?{query}" if query else ""))


@require_POST
@staff_required
def view_create(request: HttpRequest):
    """Save the inbox's current filters and sort (posted as `query`) as a view."""
    query = request.POST.get("query", "")
    form = SavedViewForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back_to_inbox(query)
    try:
        view = services_views.save_view(
            by=request.user,
            name=form.cleaned_data["name"],
            department=form.cleaned_data["department"],
            query=QueryDict(query),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to_inbox(query)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect(view_url(view))


@require_http_methods(["GET", "POST"])
@staff_required
def view_edit(request: HttpRequest, pk: int):
    """Rename, share or unshare a view, or replace its filters with the inbox's current ones (`query`)."""
    view = selectors.get_saved_view_for_user(request.user, pk)
    if not services_views.can_edit_view(request.user, view):
        messages.error(request, _("Only its owner or a lead of its department may change this view."))
        return redirect(view_url(view))
    initial = {"name": view.name, "department": view.department_id}
    form = SavedViewForm(request.POST or None, user=request.user, initial=initial, current=view.department)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            query = QueryDict(request.POST["query"]) if "query" in request.POST else None
            try:
                services_views.update_view(
                    view=view,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    department=form.cleaned_data["department"],
                    query=query,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
                return redirect(view_url(view))
        status = 400
    return render(request, "tickets/saved_view_edit.html", {"view": view, "form": form}, status=status)


@require_POST
@staff_required
def view_delete(request: HttpRequest, pk: int):
    view = selectors.get_saved_view_for_user(request.user, pk)
    try:
        services_views.delete_view(view=view, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(view_url(view))
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect("tickets:inbox")


# ---------------------------------------------------------------- CSV export


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields each row for streaming."""

    def write(self, value: str) -> str:
        return value


def _field_cell(field: dict, value) -> str:
    if value is None:
        return ""
    if field["type"] == FieldType.CHECKBOX:
        return "true" if value else "false"
    return str(value)


@require_GET
@staff_required
def inbox_export(request: HttpRequest):
    """The inbox's current list (its filters and sort) as CSV, one column per custom field (`field.<key>`),
    at most EXPORT_MAX tickets; cells are spreadsheet-safe (helpdesk.csv_safe)."""
    form = InboxFilterForm(request.GET, user=request.user)
    tickets = selectors.inbox_tickets(request.user, form.filters())
    fields = selectors.filterable_fields()
    header = [
        "reference", "id", "subject", "status", "priority", "queue", "assignee", "customer_name",
        "customer_email", "channel", "language", "tags", "created_at", "updated_at", "solved_at",
    ] + [f"field.{f['key']}" for f in fields]  # fmt: skip

    writer = SafeWriter(_Echo())

    def line(cells) -> str:
        return writer.writerow(cells)

    def iso(value) -> str:
        return value.isoformat() if value else ""

    def rows():
        yield line(header)
        for t in tickets[:EXPORT_MAX].iterator(chunk_size=EXPORT_CHUNK):
            values = t.fields or {}
            yield line(
                [
                    t.reference,
                    t.pk,
                    t.subject,
                    t.status,
                    t.priority,
                    t.queue.name,
                    t.assignee.get_username() if t.assignee_id else "",
                    t.customer.name,
                    t.customer.email,
                    t.channel,
                    t.language,
                    " ".join(sorted(tag.name for tag in t.tags.all())),
                    iso(t.created_at),
                    iso(t.updated_at),
                    iso(t.solved_at),
                ]
                + [_field_cell(f, values.get(f["key"])) for f in fields]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    return response
