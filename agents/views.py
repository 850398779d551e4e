"""Pages: the discretion panel on the ticket page, the approval queue, the audit (with CSV export)."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agents import access, selectors, services
from agents.forms import AuditFilterForm, DecisionForm, DelegationForm, RecordActionForm
from agents.models import ActionStatus, OffscriptAction
from helpdesk.errors import DomainError
from tickets.access import get_ticket_for_user, is_lead_or_above, is_staff_member
from tickets.selectors import badge_counts

AUDIT_PAGE_SIZE = 50


# --- hook providers ---------------------------------------------------------------------------


def panel_context(request, ticket, form: RecordActionForm | None = None) -> dict:
    # The page already has the ticket with its queue and customer: joining them again made this the
    # costliest query of the ticket page to plan (nine tables) while it executed in half a millisecond.
    actions = list(
        OffscriptAction.objects.filter(ticket=ticket)
        .select_related("agent", "kind", "reason_code", "decided_by", "approver")
        .order_by("-created_at")[:20]
    )
    for action in actions:
        action.ticket = ticket
    return {
        "ticket": ticket,
        "summary": selectors.discretion_summary(request.user, customer_id=ticket.customer_id),
        "pending": [a for a in actions if a.status == ActionStatus.PENDING],
        "actions": actions,
        "form": form or RecordActionForm(),
        "can_record": access.can_record_on(request.user, ticket) and ticket.status != "closed",
    }


def discretion_panel(request, ticket) -> dict | None:
    """tickets.hooks.ticket_panels provider: limits left, the form, this ticket's requests."""
    if not is_staff_member(request.user):
        return None
    return {"template": "agents/_discretion_panel.html", "context": panel_context(request, ticket), "order": 20}


def badge_queries(user) -> dict:
    """tickets.hooks.badge_queries provider: actions waiting for a lead's decision; for other staff,
    whether someone's approvals are delegated to them now."""
    if is_lead_or_above(user):
        return {"agents.approvals": selectors.approvable_actions(user)}
    if is_staff_member(user):
        return {"agents.delegations": selectors.active_delegations_to(user)}
    return {}


def nav_items(request) -> list[dict]:
    user = request.user
    items = []
    badges = badge_counts(request)
    if "agents.approvals" in badges or badges.get("agents.delegations"):
        waiting = badges.get("agents.approvals")
        if waiting is None:  # standing in for an approver: what they may decide now
            waiting = selectors.approvable_actions(user).count()
        # On the bar, with its count: what leads and managers act on first (refreshed after htmx actions).
        items.append(
            {"label": _("Approvals"), "url": reverse("agents:approvals"), "count": waiting, "key": "approvals"}
        )
    if access.can_see_audit(user):
        items.append({"label": _("Off-script audit"), "url": reverse("agents:audit"), "group": "reports"})
    return items


def landing_page(request) -> str | None:
    """tickets.hooks.landing_pages provider: a lead or manager with requests waiting starts on the approvals."""
    user = request.user
    if access.can_use_approvals(user) and selectors.approvable_actions(user).exists():
        return reverse("agents:approvals")
    return None


# --- recording on a ticket --------------------------------------------------------------------


@login_required
@require_POST
def record_action(request, ticket_pk: int):
    ticket = get_ticket_for_user(request.user, ticket_pk)
    if not access.can_record_on(request.user, ticket):
        raise PermissionDenied
    form = RecordActionForm(request.POST)
    action = None
    if form.is_valid():
        try:
            action = services.record_offscript_action(
                ticket=ticket,
                by=request.user,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                reason_code=form.cleaned_data["reason_code"],
                customer_note=form.cleaned_data["customer_note"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if action is not None:
        if action.status == ActionStatus.APPROVED:
            messages.success(request, _("Done: %(kind)s %(amount)s is within your latitude.") % _fmt(action))
        else:
            messages.info(request, _("%(kind)s %(amount)s needs approval; the request was sent.") % _fmt(action))
        form = None
    if request.htmx:
        context = panel_context(request, ticket, form)
        context["just_recorded"] = action
        # 200 even with errors: htmx 2 does not swap 4xx responses, and the form must show what was wrong.
        return render(request, "agents/_discretion_panel.html", context)
    if form is not None:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect("tickets:detail", pk=ticket.pk)


def _fmt(action: OffscriptAction) -> dict:
    return {"kind": str(action.kind), "amount": action.display_amount}


# --- approvals --------------------------------------------------------------------------------


@login_required
@require_GET
def approvals(request):
    if not access.can_use_approvals(request.user):
        raise PermissionDenied
    pending = selectors.actions_with_relations(selectors.approvable_actions(request.user)).order_by("created_at")
    mine = selectors.actions_with_relations(
        OffscriptAction.objects.filter(decided_by=request.user).order_by("-decided_at")
    )[:10]
    notifications = list(selectors.unread_notifications(request.user)[:20])
    return render(
        request,
        "agents/approvals.html",
        {
            "pending": pending,
            "recently_decided": mine,
            "notifications": notifications,
            "decision_form": DecisionForm(),
            "delegation_form": DelegationForm(),
            "delegations": request.user.delegations_given.filter(ends_at__gt=timezone.now()).select_related("to_user"),
        },
    )


def _decide(request, pk: int, verb: str):
    action = access.get_action_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    service = services.approve_offscript_action if verb == "approve" else services.reject_offscript_action
    error = None
    try:
        action = service(action=action, by=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        action.refresh_from_db()
        return render(
            request,
            "agents/approvals.html#action-row",
            {"action": action, "error": error, "decision_form": DecisionForm()},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            (_("Approved: %(kind)s %(amount)s.") if verb == "approve" else _("Rejected: %(kind)s %(amount)s."))
            % _fmt(action),
        )
    return redirect("agents:approvals")


@login_required
@require_POST
def approve(request, pk: int):
    return _decide(request, pk, "approve")


@login_required
@require_POST
def reject(request, pk: int):
    return _decide(request, pk, "reject")


@login_required
@require_POST
def cancel(request, pk: int):
    action = access.get_action_for_user(request.user, pk)
    try:
        services.cancel_offscript_action(action=action, by=request.user)
        messages.success(request, _("The request was withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("tickets:detail", pk=action.ticket_id)


@login_required
@require_POST
def delegate(request):
    if not access.can_use_approvals(request.user):
        raise PermissionDenied
    form = DelegationForm(request.POST)
    if form.is_valid():
        try:
            services.create_delegation(from_user=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("While you are away, %(user)s decides in your place.") % {"user": form.cleaned_data["to_user"]},
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(
            request,
            _("Check the delegation: %(errors)s") % {"errors": "; ".join(" ".join(e) for e in form.errors.values())},
        )
    return redirect("agents:approvals")


@login_required
@require_POST
def mark_read(request):
    access.check_staff(request.user)
    services.mark_notifications_read(user=request.user)
    return redirect("agents:approvals")


# --- audit ------------------------------------------------------------------------------------


def _audit_queryset(user, form: AuditFilterForm):
    qs = selectors.actions_with_relations(selectors.visible_actions(user)).order_by("-created_at", "-id")
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["agent"]:
        qs = qs.filter(agent=data["agent"])
    if data["kind"]:
        qs = qs.filter(kind=data["kind"])
    if data["status"]:
        qs = qs.filter(status=data["status"])
    zone = timezone.get_current_timezone()
    if data["since"]:
        qs = qs.filter(created_at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone))
    if data["until"]:
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return qs


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "id",
    "created_at",
    "ticket",
    "customer",
    "agent",
    "kind",
    "amount",
    "currency",
    "status",
    "reason_code",
    "reason",
    "limits_exceeded",
    "approval_level",
    "decided_by",
    "decided_at",
    "decision_note",
    "policy",
    "policy_version",
]


def _csv_cell(value) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is read as a formula.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(qs):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for a in qs.iterator(chunk_size=500):
        yield writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    a.pk,
                    a.created_at.isoformat(),
                    a.ticket.reference,
                    a.ticket.customer.email,
                    a.agent.get_username(),
                    a.kind.slug,
                    a.amount if a.amount is not None else "",
                    a.currency,
                    a.status,
                    a.reason_code.code if a.reason_code else "",
                    a.reason,
                    " ".join(a.over_limits or []),
                    a.approval_level,
                    a.decided_by.get_username() if a.decided_by else "",
                    a.decided_at.isoformat() if a.decided_at else "",
                    a.decision_note,
                    a.limits_snapshot.get("policy", ""),
                    a.limits_snapshot.get("version", ""),
                )
            ]
        )


@login_required
@require_GET
def audit(request):
    if not access.can_see_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        form = AuditFilterForm({})
    qs = _audit_queryset(request.user, form)
    if request.GET.get("export") == "csv":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(_csv_rows(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="offscript-actions-{stamp}.csv"'
        return response
    page = Paginator(qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "agents/audit.html", {"form": form, "page": page, "query": query.urlencode(), "errors": form.errors}
    )
