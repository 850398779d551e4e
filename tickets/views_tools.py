"""Pages of the agent's tools: custom fields on the ticket page, follow, merge (with a confirmation),
split, @mention suggestions and the inbox's bulk changes. Thin views over services_fields/_bulk and collab."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import access, collab, selectors, services_bulk, services_fields
from tickets.access import staff_required
from tickets.forms import InboxFilterForm
from tickets.models import FieldType, Priority, Queue, Status, Ticket

MENTION_SUGGESTIONS = 8


def _back(ticket: Ticket):
    return redirect("tickets:detail", pk=ticket.pk)


def tools_panel(request: HttpRequest, ticket: Ticket) -> dict:
    """The ticket page's side panel (tickets.hooks.ticket_panels): custom fields, follow, merge, split."""
    # Custom fields are edited in the page's Properties form, saved together with assignee, priority, queue, tags.
    related = selectors.ticket_relations(ticket, request.user)  # shared with the page: no query of its own
    return {
        "template": "tickets/_tools_panel.html",
        "context": {
            "following": related.following,
            "merged_tickets": related.merged,
            "split_tickets": related.split,
            "FieldType": {t.name: t.value for t in FieldType},
        },
        "order": 10,
    }


@require_POST
@staff_required
def ticket_fields(request: HttpRequest, pk: int):
    ticket = access.get_ticket_for_user(request.user, pk)
    values = {f.key: request.POST.get(f"field.{f.key}", "") for f in services_fields.fields_for(ticket)}
    try:
        services_fields.set_field_values(ticket=ticket, values=values, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Fields saved."))
    return _back(ticket)


@require_POST
@staff_required
def ticket_follow(request: HttpRequest, pk: int):
    ticket = access.get_ticket_for_user(request.user, pk)
    if request.POST.get("follow") == "1":
        collab.follow(ticket=ticket, user=request.user)
        messages.success(request, _("You follow this ticket: each customer reply brings you a notice."))
    else:
        collab.unfollow(ticket=ticket, user=request.user)
        messages.success(request, _("You no longer follow this ticket."))
    return _back(ticket)


def _parse_ticket_ref(value: str) -> int | None:
    value = (value or "").strip().upper()
    if value.startswith("LAT-"):
        value = value[4:]
    return int(value) if is_id(value) else None


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_merge(request: HttpRequest, pk: int):
    """GET: the confirmation page for merging this ticket into another; POST: the merge."""
    ticket = access.get_ticket_for_user(request.user, pk)
    into_id = _parse_ticket_ref(request.POST.get("into") or request.GET.get("into", ""))
    into = (
        access.visible_tickets(request.user).filter(pk=into_id).select_related("customer").first() if into_id else None
    )
    if into is None:
        messages.error(request, _("No such ticket to merge into."))
        return _back(ticket)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            services_bulk.merge_tickets(ticket=ticket, into=into, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(ticket)
        messages.success(request, _("%(ref)s was merged into this ticket and closed.") % {"ref": ticket.reference})
        return redirect("tickets:detail", pk=into.pk)
    context = {"ticket": ticket, "into": into, "moving": ticket.messages.count()}
    return render(request, "tickets/merge_confirm.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def ticket_split(request: HttpRequest, pk: int):
    """GET: choose messages to move into a new ticket; POST: the split."""
    ticket = access.get_ticket_for_user(request.user, pk)
    status = 200
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("messages") if is_id(v)]
        try:
            new = services_bulk.split_ticket(
                ticket=ticket, message_ids=ids, by=request.user, subject=request.POST.get("subject", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("Split from %(ref)s.") % {"ref": ticket.reference})
            return redirect("tickets:detail", pk=new.pk)
    thread = ticket.messages.select_related("author").order_by("created_at", "id")
    return render(request, "tickets/split.html", {"ticket": ticket, "thread": thread}, status=status)


@require_GET
@staff_required
def mention_suggest(request: HttpRequest):
    """Colleagues for the note composer's @ autocomplete: username or name starting with `q`."""
    q = request.GET.get("q", "").strip()[:50]
    people = selectors.staff_users(request.user).exclude(pk=request.user.pk)
    if q:
        people = people.filter(Q(username__istartswith=q) | Q(first_name__istartswith=q) | Q(last_name__istartswith=q))
    rows = [
        {"username": u.get_username(), "name": u.get_full_name() or u.get_username()}
        for u in people[:MENTION_SUGGESTIONS]
    ]
    return JsonResponse({"results": rows})


@require_POST
@staff_required
def inbox_bulk(request: HttpRequest):
    """The inbox's bulk bar: the checked tickets (or every ticket matching the filters, up to BULK_MAX)."""
    back_query = request.POST.get("back", "")
    back = reverse("tickets:inbox") + (f"?{back_query}" if back_query and not back_query.startswith("/") else "")
    if request.POST.get("all_matching") == "1":
        form = InboxFilterForm(_query_dict(back_query), user=request.user)
        qs = selectors.inbox_tickets(request.user, form.filters())
        ids = list(qs.values_list("pk", flat=True)[: services_bulk.BULK_MAX])
    else:
        ids = [int(v) for v in request.POST.getlist("ids") if is_id(v)]
    if not ids:
        messages.error(request, _("Select at least one ticket."))
        return redirect(back)
    if request.POST.get("action") == "merge":
        return _bulk_merge(request, ids, back)
    try:
        changes = _bulk_changes(request)
        results = services_bulk.bulk_change(by=request.user, ids=ids, changes=changes)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    _summarise(request, results)
    return redirect(back)


def _bulk_merge(request: HttpRequest, ids: list[int], back: str):
    """Merging from the inbox: the oldest selected ticket receives the others, after a confirmation."""
    tickets = list(access.visible_tickets(request.user).filter(pk__in=ids).order_by("created_at", "id"))
    if len(tickets) < 2:
        messages.error(request, _("Select at least two tickets to merge."))
        return redirect(back)
    into, others = tickets[0], tickets[1:]
    if request.POST.get("confirm") == "1":
        results = []
        for ticket in others:
            try:
                services_bulk.merge_tickets(ticket=ticket, into=into, by=request.user)
            except DomainError as exc:
                results.append(services_bulk.BulkResult(id=ticket.pk, ok=False, error=str(exc.message)))
            else:
                results.append(services_bulk.BulkResult(id=ticket.pk, ok=True))
        _summarise(request, results)
        return redirect("tickets:detail", pk=into.pk)
    context = {"into": into, "others": others, "back": request.POST.get("back", "")}
    return render(request, "tickets/merge_many_confirm.html", context)


def _query_dict(query: str):
    from django.http import QueryDict

    return QueryDict(query or "")


def _bulk_changes(request: HttpRequest) -> dict:
    post = request.POST
    changes: dict = {}
    if post.get("status"):
        if post["status"] not in Status.values:
            raise DomainError(_("Unknown status “%(s)s”.") % {"s": post["status"]}, field="status")
        changes["status"] = post["status"]
    if post.get("priority"):
        if post["priority"] not in Priority.values:
            raise DomainError(_("Unknown priority “%(p)s”.") % {"p": post["priority"]}, field="priority")
        changes["priority"] = post["priority"]
    assignee = post.get("assignee", "")
    if assignee == "none":
        changes["assignee"] = None
    elif assignee == "me":
        changes["assignee"] = request.user
    elif is_id(assignee):
        person = selectors.staff_users(request.user).filter(pk=int(assignee)).first()
        if person is None:
            raise DomainError(_("Unknown user “%(value)s”.") % {"value": assignee}, field="assignee")
        changes["assignee"] = person
    if is_id(post.get("queue", "")):
        queue = Queue.objects.filter(pk=int(post["queue"])).first()
        if queue is None:
            raise DomainError(_("Unknown queue “%(value)s”.") % {"value": post["queue"]}, field="queue")
        changes["queue"] = queue
    for name in ("add_tags", "remove_tags"):
        tags = [t.strip() for t in post.get(name, "").split(",") if t.strip()]
        if tags:
            changes[name] = tags
    if post.get("field_key"):
        changes["fields"] = {post["field_key"]: post.get("field_value", "")}
    if not changes:
        raise DomainError(_("Choose at least one change."), field="changes")
    return changes


def _summarise(request: HttpRequest, results: list[services_bulk.BulkResult]) -> None:
    done = sum(1 for r in results if r.ok)
    failed = [r for r in results if not r.ok]
    if done:
        messages.success(request, _("%(n)s tickets changed.") % {"n": done})
    if failed:
        lines = "; ".join(f"LAT-{r.id:06d}: {r.error}" for r in failed[:20])
        messages.error(request, _("%(n)s tickets not changed: %(why)s") % {"n": len(failed), "why": lines})


# --- side-by-side safety ----------------------------------------------------------------------------

# A thread that grew by more than this while one wrote shows the newest ones and a link to reload.
UPDATES_SHOWN = 10


def newer_messages(ticket: Ticket, *, after: int, user):
    """Messages written on the ticket after message `after` by anyone but `user`, oldest first."""
    from tickets import hooks

    qs = ticket.messages.filter(pk__gt=after).exclude(author=user).select_related("author")
    for shape in hooks.thread_queryset_hooks:
        qs = shape(qs)
    return qs.order_by("created_at", "id")


@require_GET
@staff_required
def thread_updates(request: HttpRequest, pk: int):
    """Polled by the ticket page while the agent writes: what the customer or colleagues wrote since the
    page was loaded (`after` = the newest message it showed). The composer carries the same id."""
    ticket = access.get_ticket_for_user(request.user, pk)
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    updates = list(newer_messages(ticket, after=after, user=request.user)[: UPDATES_SHOWN + 1])
    context = {
        "ticket": ticket,
        "after": after,
        "updates": updates[:UPDATES_SHOWN],
        "more": len(updates) > UPDATES_SHOWN,
        "newest": max((m.pk for m in updates), default=after),
        "customer_wrote": any(m.kind == "customer" for m in updates),
    }
    return render(request, "tickets/_thread_updates.html", context)
