"""The agent's workbench (inbox, ticket page, customer page) and the public contact form.

Views are thin: parse with a form, fetch-and-check with `access`, call one service, render or redirect.
Every state change is a POST; a GET on a mutating URL is answered 405.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from helpdesk.errors import Conflict, DomainError
from helpdesk.ids import is_id
from tickets import access, hooks, presence, selectors, services, services_fields, views_saved
from tickets.access import staff_required
from tickets.forms import (
    AssignForm,
    ComposerForm,
    CustomerForm,
    InboxFilterForm,
    PreferencesForm,
    PriorityForm,
    PropertiesForm,
    PublicTicketForm,
    QueueForm,
    StatusForm,
    TagsForm,
    read_uploads,
)
from tickets.models import TRANSITIONS, Channel, EventKind, MessageKind, Priority, Status, TicketField
from tickets.services_bulk import BULK_MAX  # noqa: E402

INBOX_PAGE_SIZE = 25
CUSTOMER_TICKETS_ON_TICKET_PAGE = 8


# ---------------------------------------------------------------- inbox


@require_GET
@staff_required
def inbox(request):
    form = InboxFilterForm(request.GET, user=request.user)
    filters = form.filters()
    paginate = views_saved.SearchPaginator if filters.q else views_saved.CappedPaginator
    paginator = paginate(selectors.inbox_tickets(request.user, filters), INBOX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    for ticket in page:
        ticket.sla = selectors.sla_state(ticket, now)
        ticket.sla_due = selectors.next_sla_due(ticket)
    query = request.GET.copy()
    query.pop("page", None)
    view_query = {k: v for k, v in query.items() if k not in ("view", "saved") and v}
    # Saved views, their counts and the built-in tabs' in one aggregate; custom-field columns.
    tools = views_saved.inbox_context(request, query)
    counts = tools.pop("counts")
    context = {
        **tools,
        "form": form,
        "filters": filters,
        "page": page,
        "query_string": query.urlencode(),
        "view_query": urlencode(view_query),
        "view_tabs": [(key, label, counts.get(key, 0)) for key, label in selectors.INBOX_VIEWS.items()],
        "current_view_label": selectors.INBOX_VIEWS.get(filters.view, ""),
        "bulk_max": BULK_MAX,
        "bulk_options": selectors.filter_options(request.user),
        "bulk_fields": selectors.filterable_fields(),
        "statuses": Status.choices,
        "priorities": Priority.choices,
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, "tickets/inbox.html#results", context)
        # The address bar keeps only the filters in use, so the URL stays short and shareable.
        kept = urlencode({k: v for k, v in request.GET.items() if v})
        response["HX-Push-Url"] = reverse("tickets:inbox") + (f"?{kept}" if kept else "")
        return response
    return render(request, "tickets/inbox.html", context)


@require_GET
@staff_required
def landing(request):
    """After signing in: the first useful page a later app names (tickets.hooks.landing_pages), else the inbox."""
    for provider in hooks.landing_pages:
        url = provider(request)
        if url:
            return redirect(url)
    return redirect("tickets:inbox")


@require_GET
@staff_required
def nav(request):
    """The staff menu alone: the page re-fetches it when an htmx action answers `latitude:changed`."""
    return render(request, "_nav.html")


# ---------------------------------------------------------------- ticket page


def _event_label(event) -> tuple[str, str]:
    for labeler in hooks.event_labelers:
        labels = labeler(event)
        if labels is not None:
            return labels
    if event.kind == EventKind.STATUS:
        return _status_label(event.old_value), _status_label(event.new_value)
    if event.kind == EventKind.PRIORITY:
        return _priority_label(event.old_value), _priority_label(event.new_value)
    if event.kind == EventKind.CREATED:
        return "", _channel_label(event.new_value)
    if event.kind == EventKind.CUSTOMER:
        return "", ", ".join(str(CUSTOMER_FIELD_LABELS.get(f, f)) for f in event.data)
    if event.kind == EventKind.FIELD:
        key = event.data.get("key", "")
        return (f"{key}: {event.old_value}" if event.old_value else ""), f"{key}: {event.new_value or '—'}"
    return event.old_value, event.new_value


CUSTOMER_FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "language": gettext_lazy("language"),
    "organisation": gettext_lazy("organisation"),
    "notes": gettext_lazy("notes"),
    "survey_opt_out": gettext_lazy("opted out of surveys"),
}


def _channel_label(value: str) -> str:
    return Channel(value).label if value in Channel.values else value


def _people_names(events) -> dict[str, str]:
    """Display names of the usernames in assignee history rows (from the cached names: no query)."""
    usernames = {v for e in events if e.kind == EventKind.ASSIGNEE for v in (e.old_value, e.new_value) if v}
    if not usernames:
        return {}
    names = selectors.display_names()
    return {username: names[username] for username in usernames if username in names}


def _status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


def _priority_label(value: str) -> str:
    return Priority(value).label if value in Priority.values else value


def _panels(request, ticket) -> list[dict]:
    """Side panels contributed by later apps (tickets.hooks.ticket_panels), in their order.

    The page renders each with {% render_panel %} inside its own context: the context processors
    do not run again per panel.
    """
    panels = [panel for provider in hooks.ticket_panels if (panel := provider(request, ticket))]
    return sorted(panels, key=lambda p: p.get("order", 100))


def _custom_field_rows(ticket, posted=None) -> list[dict]:
    values = ticket.fields or {}
    rows = []
    for f in services_fields.fields_for(ticket):
        value = posted.get(f"field.{f.key}", "") if posted is not None else values.get(f.key)
        rows.append({"field": f, "value": value, "missing": f.required_to_solve and value in (None, "")})
    return rows


def _render_ticket(request, ticket, *, composer=None, customer_form=None, properties=None, status: int = 200):
    user = request.user
    thread = selectors.thread_of(ticket)
    events = list(ticket.events.select_related("actor"))
    names = _people_names(events)
    field_labels = (
        dict(TicketField.objects.values_list("key", "label")) if any(e.kind == EventKind.FIELD for e in events) else {}
    )
    for event in events:
        event.old_label, event.new_label = _event_label(event)
        if event.kind == EventKind.ASSIGNEE:
            # The row keeps usernames (codes); people read names: "Assignee changed: Ana Silva → Tomás Reis".
            event.old_label, event.new_label = (names.get(v, v) for v in (event.old_value, event.new_value))
        elif event.kind == EventKind.FIELD and event.data.get("key") in field_labels:
            label = field_labels[event.data["key"]]
            event.old_label = f"{label}: {event.old_value}" if event.old_value else ""
            event.new_label = f"{label}: {event.new_value or '—'}"
    tags = selectors.ticket_relations(ticket, user).tags
    composer = composer or ComposerForm(ticket=ticket)
    chosen = composer["macro"].value()
    macro = selectors.macros_for(ticket).filter(pk=chosen).first() if is_id(str(chosen or "")) else None
    presence.touch(ticket_id=ticket.pk, user=user)
    others = selectors.customer_tickets(user, ticket.customer).exclude(pk=ticket.pk)
    shown = list(others[: CUSTOMER_TICKETS_ON_TICKET_PAGE + 1])  # one more tells whether there are more
    others_count = len(shown) if len(shown) <= CUSTOMER_TICKETS_ON_TICKET_PAGE else others.count()
    context = {
        "ticket": ticket,
        "thread": thread,
        "events": events,
        "tags": tags,
        "sla": selectors.sla_state(ticket),
        "transitions": [s for s in Status if s in TRANSITIONS[ticket.status]],
        "composer": composer,
        "macro_summary": selectors.macro_summary(macro) if macro else "",
        "properties": properties
        or PropertiesForm(
            user=user,
            initial={
                "assignee": ticket.assignee_id,
                "priority": ticket.priority,
                "queue": ticket.queue_id,
                "tags": ", ".join(t.name for t in tags),
            },
        ),
        "custom_fields": _custom_field_rows(ticket, properties.data if properties is not None else None),
        "customer_form": customer_form,
        "other_tickets": shown[:CUSTOMER_TICKETS_ON_TICKET_PAGE],
        "other_tickets_count": others_count,
        "panels": _panels(request, ticket),
        "present": presence.others(ticket_id=ticket.pk, user=user),
        "attachment_max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "tickets/detail.html", context, status=status)


@require_GET
@staff_required
def ticket_detail(request, pk: int):
    try:
        ticket = access.get_ticket_for_user(request.user, pk)
    except Http404:
        return _render_request_status(request, access.get_request_for_requester(request.user, pk))
    initial = {}
    macro_id = request.GET.get("macro", "")
    if is_id(macro_id):
        # Without JavaScript, "Insert" reloads the page with the macro's text in the composer.
        macro = selectors.macros_for(ticket).filter(pk=int(macro_id)).first()
        if macro is not None:
            text = services.render_macro(macro=macro, ticket=ticket, agent=request.user)
            typed = request.GET.get("body", "").strip()
            initial = {"body": f"{typed}\n\n{text}" if typed else text, "macro": macro.pk}
    return _render_ticket(request, ticket, composer=ComposerForm(ticket=ticket, initial=initial))


def _render_request_status(request, ticket):
    """The requester's view of an internal request they asked another department for: status and the
    public thread; the department's internal notes, history and controls stay with the department."""
    panels = [panel for panel in _panels(request, ticket) if panel.get("for_requester")]
    thread = ticket.messages.exclude(kind=MessageKind.NOTE).select_related("author").prefetch_related("attachments")
    return render(request, "tickets/request_status.html", {"ticket": ticket, "thread": thread, "panels": panels})


def _back(ticket, anchor: str = ""):
    return redirect(reverse("tickets:detail", args=[ticket.pk]) + anchor)


@require_POST
@staff_required
def ticket_reply(request, pk: int):
    ticket = access.get_ticket_for_user(request.user, pk)
    form = ComposerForm(request.POST, request.FILES, ticket=ticket)
    if not form.is_valid():
        return _render_ticket(request, ticket, composer=form, status=400)
    data = form.cleaned_data
    try:
        message = services.write_on_ticket(
            ticket=ticket,
            by=request.user,
            body=data["body"],
            internal=data["internal"],
            attachments=read_uploads(data["attachments"]),
            client_token=data["token"],
            macro=data["macro"],
            then_status=data["then_status"],
            seen=data.get("seen"),
        )
    except services.UnseenMessages as exc:
        # The page comes back with the new messages in the thread and the text kept; sending again confirms.
        form.add_error(None, exc.message)
        if data["attachments"]:
            form.add_error("attachments", _("Choose the attachments again."))
        return _render_ticket(request, ticket, composer=form, status=409)
    except Conflict as exc:
        messages.warning(request, exc.message)
        return _back(ticket)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_ticket(request, ticket, composer=form, status=400)
    presence.touch(ticket_id=ticket.pk, user=request.user, typing=False)
    messages.success(request, _("Internal note added.") if message.internal else _("Reply sent."))
    return _back(ticket, f"#message-{message.pk}")


def _side_action(request, pk: int, form_class, apply, **form_kwargs):
    """One side-panel change: parse, fetch-and-check, call the service; errors come back as a message."""
    ticket = access.get_ticket_for_user(request.user, pk)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, errors)
        return _back(ticket)
    try:
        notice = apply(ticket, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(ticket)
    messages.success(request, notice)
    refreshed = access.visible_tickets(request.user).filter(pk=ticket.pk).exists()
    if not refreshed:
        # Moved out of the agent's sight (another department's queue): back to the inbox.
        return redirect("tickets:inbox")
    return _back(ticket)


@require_POST
@staff_required
def ticket_properties(request, pk: int):
    """The side panel's one save (assignee, priority, queue, tags, custom fields). With htmx the page's panel,
    header and history are swapped in place; without, the page reloads."""
    ticket = access.get_ticket_for_user(request.user, pk)
    form = PropertiesForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        fields = {f.key: request.POST.get(f"field.{f.key}", "") for f in services_fields.fields_for(ticket)}
        edit = services.PropertiesEdit(
            queue=data["queue"], assignee=data["assignee"], priority=data["priority"], tags=data["tags"], fields=fields
        )
        try:
            ticket = services.edit_properties(ticket=ticket, by=request.user, edit=edit)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if form.errors:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        if request.htmx:
            # 200: htmx 2 swaps no 4xx answer, and the panel must show what was refused.
            return _render_ticket(request, ticket, properties=form)
        return _back(ticket)
    messages.success(request, _("Saved."))
    if not access.visible_tickets(request.user).filter(pk=ticket.pk).exists():
        # Moved out of the agent's sight (another department's queue): back to the inbox.
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": reverse("tickets:inbox")})
        return redirect("tickets:inbox")
    if request.htmx:
        return _render_ticket(request, access.get_ticket_for_user(request.user, pk))
    return _back(ticket)


@require_POST
@staff_required
def ticket_status(request, pk: int):
    def apply(ticket, data):
        services.change_status(ticket=ticket, status=data["status"], by=request.user)
        return _("Status changed to %(status)s.") % {"status": Status(data["status"]).label}

    return _side_action(request, pk, StatusForm, apply)


@require_POST
@staff_required
def ticket_assign(request, pk: int):
    def apply(ticket, data):
        assignee = data["assignee"]
        services.assign_ticket(ticket=ticket, assignee=assignee, by=request.user)
        if assignee is None:
            return _("The ticket is now unassigned.")
        return _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.get_username()}

    return _side_action(request, pk, AssignForm, apply, user=request.user)


@require_POST
@staff_required
def ticket_priority(request, pk: int):
    def apply(ticket, data):
        services.set_priority(ticket=ticket, priority=data["priority"], by=request.user)
        return _("Priority set to %(priority)s.") % {"priority": Priority(data["priority"]).label}

    return _side_action(request, pk, PriorityForm, apply)


@require_POST
@staff_required
def ticket_queue(request, pk: int):
    def apply(ticket, data):
        services.move_to_queue(ticket=ticket, queue=data["queue"], by=request.user)
        return _("Moved to the queue %(queue)s.") % {"queue": str(data["queue"])}

    return _side_action(request, pk, QueueForm, apply)


@require_POST
@staff_required
def ticket_tags(request, pk: int):
    def apply(ticket, data):
        services.set_tags(ticket=ticket, names=data["tags"], by=request.user)
        return _("Tags saved.")

    return _side_action(request, pk, TagsForm, apply)


@require_GET
@staff_required
def macro_preview(request, pk: int, macro_pk: int):
    """The macro's text for this ticket, placeholders filled, for the composer to insert (a read)."""
    ticket = access.get_ticket_for_user(request.user, pk)
    macro = get_object_or_404(selectors.macros_for(ticket), pk=macro_pk)
    return JsonResponse(
        {
            "body": services.render_macro(macro=macro, ticket=ticket, agent=request.user),
            "macro": macro.pk,
            "summary": selectors.macro_summary(macro),
        }
    )


@require_POST
@staff_required
def ticket_presence(request, pk: int):
    """Heartbeat of an open ticket page: marks the viewer and answers with who else is here."""
    ticket = access.get_ticket_for_user(request.user, pk)
    presence.touch(ticket_id=ticket.pk, user=request.user, typing=request.POST.get("typing") == "1")
    context = {"ticket": ticket, "present": presence.others(ticket_id=ticket.pk, user=request.user)}
    return render(request, "tickets/detail.html#presence", context)


@require_GET
@staff_required
def attachment_download(request, pk: int):
    attachment = access.get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return HttpResponse(_("This file is missing from storage."), status=410, content_type="text/plain")
    # Always a download, never rendered inline: the content type is the sender's claim, not a fact.
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- customers


@require_GET
@staff_required
def customer_detail(request, pk: int):
    customer = access.get_customer_for_user(request.user, pk)
    return _render_customer(request, customer)


def _render_customer(request, customer, form=None, status=200):
    tickets = selectors.customer_tickets(request.user, customer)
    page = Paginator(tickets, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    form = form or CustomerForm(
        initial={
            "name": customer.name,
            "language": customer.language,
            "organisation": customer.organisation,
            "notes": customer.notes,
        }
    )
    panels = sorted(
        (panel for provider in hooks.customer_panels if (panel := provider(request, customer))),
        key=lambda p: p.get("order", 100),
    )
    context = {"customer": customer, "page": page, "form": form, "panels": panels}
    return render(request, "tickets/customer.html", context, status=status)


@require_POST
@staff_required
def customer_edit(request, pk: int):
    customer = access.get_customer_for_user(request.user, pk)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        return _render_customer(request, customer, form=form, status=400)
    try:
        services.update_customer(customer=customer, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_customer(request, customer, form=form, status=400)
    messages.success(request, _("Customer record saved."))
    next_url = request.POST.get("next", "")
    # Django's own check: `/\evil.example` and `//evil` are other sites, whatever they start with.
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("tickets:customer", pk=customer.pk)


# ---------------------------------------------------------------- the person's own preferences


@require_http_methods(["GET", "POST"])
@staff_required
def preferences(request):
    profile = getattr(request.user, "profile", None)
    initial = {"language": profile.language if profile else "en", "timezone": profile.timezone if profile else "UTC"}
    form = PreferencesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_preferences(
                    user=request.user,
                    language=form.cleaned_data["language"],
                    timezone_name=form.cleaned_data["timezone"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                # The next page is already in the new language.
                translation.activate(form.cleaned_data["language"])
                messages.success(request, _("Your preferences were saved."))
                return redirect("tickets:preferences")
        status = 400
    return render(request, "tickets/preferences.html", {"form": form}, status=status)


# ---------------------------------------------------------------- public contact form


def _contact_rate(group, request):
    return settings.CONTACT_FORM_RATE


@require_http_methods(["GET", "POST"])
def public_form(request):
    if request.method == "GET":
        return render(request, "tickets/public_form.html", {"form": PublicTicketForm()})
    form = PublicTicketForm(request.POST, request.FILES)
    if is_ratelimited(request, group="tickets.contact", key="ip", rate=_contact_rate, method="POST", increment=True):
        form.add_error(None, _("Too many messages from your address. Please wait a while and try again."))
        return render(request, "tickets/public_form.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "tickets/public_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    attachments = read_uploads([data["attachment"]]) if data["attachment"] else None
    try:
        ticket = services.create_ticket(
            subject=data["subject"],
            body=data["message"],
            customer_email=data["email"],
            customer_name=data["name"],
            queue=data["queue"],
            language=translation.get_language(),
            channel=Channel.WEB,
            attachments=attachments,
            fields=form.custom_values(data["queue"]),
        )
    except DomainError as exc:
        field = f"cf_{exc.field[7:]}" if (exc.field or "").startswith("fields.") else exc.field
        form.add_error(field if field in form.fields else None, exc.message)
        return render(request, "tickets/public_form.html", {"form": form}, status=400)
    request.session["contact_reference"] = ticket.reference
    return redirect("tickets:public_form_sent")


@require_GET
def public_form_sent(request):
    reference = request.session.get("contact_reference")
    if not reference:
        return redirect("tickets:public_form")
    return render(request, "tickets/public_form_sent.html", {"reference": reference})
