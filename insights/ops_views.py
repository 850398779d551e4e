"""Pages of the operational reports: the report, its drill-down ticket list, the CSV, and the agent's scorecard."""

from __future__ import annotations

import csv

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights import access, operations, selectors
from insights.forms import ReportForm
from insights.operations import OpsFilters
from insights.selectors import Filters
from insights.stats import min_responses
from insights.views import _csv_safe

GROUP_LABELS = {"agent": _("Agent"), "team": _("Team"), "queue": _("Queue"), "channel": _("Channel")}
DRILL_PAGE_SIZE = 50
SCORECARD_PERIODS = 4


def _filters(form: ReportForm) -> OpsFilters:
    d = form.cleaned_data
    return OpsFilters(
        agent_id=d.get("agent"), department_id=d.get("team"), queue_id=d.get("queue"), channel=d.get("channel") or ""
    )


def _form(request: HttpRequest, scope) -> ReportForm:
    return ReportForm(request.GET, departments=access.visible_departments(scope))


def build_report(scope, form: ReportForm) -> dict:
    with operations.reading():
        return _build_report(scope, form)


def _build_report(scope, form: ReportForm) -> dict:
    filters = _filters(form)
    current, previous = form.current, form.previous
    weekday_names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    grid = operations.heatmap(scope, current, filters)
    peak = max((n for row in grid for n in row), default=0)
    surveys = selectors.cohort(
        scope,
        current,
        Filters(
            agent_id=filters.agent_id,
            department_id=filters.department_id,
            queue_id=filters.queue_id,
            channel=filters.channel,
        ),
    )
    return {
        "summary": operations.summary(scope, current, filters),
        "previous": operations.summary(scope, previous, filters),
        "trend": operations.breakdown(scope, current, form.trend_by, filters),
        "by": {group: operations.breakdown(scope, current, group, filters) for group in GROUP_LABELS},
        "backlog": operations.backlog(scope, current, filters),
        "heatmap": [
            {
                "label": weekday_names[i],
                "cells": [{"n": n, "level": 0 if not peak else min(4, (4 * n + peak - 1) // peak)} for n in row],
            }
            for i, row in enumerate(grid)
        ],
        "speed": operations.speed_bands(surveys),
        "offscript": selectors.offscript(surveys, detail=False),
    }


def chart_data(report: dict) -> dict:
    trend = report["trend"]
    backlog = report["backlog"]
    return {
        "volume": {
            "labels": [str(r.label) for r in trend],
            "created": [r.created for r in trend],
            "solved": [r.solved for r in trend],
            "createdLabel": _("Created"),
            "solvedLabel": _("Solved"),
        },
        "backlog": {
            "labels": [str(d["label"]) for d in backlog],
            "open": [d["open"] for d in backlog],
            "pending": [d["pending"] for d in backlog],
            "openLabel": _("Open"),
            "pendingLabel": _("Pending"),
        },
    }


def _invalid(request: HttpRequest, form: ReportForm, scope) -> HttpResponse:
    return render(request, "insights/operations.html", {"form": form, "invalid": True, "scope": scope}, status=400)


@login_required
@require_GET
def operations_page(request: HttpRequest) -> HttpResponse:
    """How fast, how much, how well: the operational report for a lead's team or a manager's departments."""
    scope = access.dashboard_scope(request.user)
    form = _form(request, scope)
    if not form.is_valid():
        return _invalid(request, form, scope)
    report = build_report(scope, form)
    query = request.GET.copy()
    return render(
        request,
        "insights/operations.html",
        {
            "form": form,
            "scope": scope,
            "report": report,
            "current": form.current,
            "previous": form.previous,
            "trend_by": form.trend_by,
            "groups": list(GROUP_LABELS.items()),
            "charts": chart_data(report),
            "min_responses": min_responses(),
            "query_string": query.urlencode(),
            "hours": range(24),
        },
    )


DRILL_METRICS = {
    "": _("All"),
    "sla_first_response_missed": _("First-response target missed"),
    "sla_resolution_missed": _("Resolution target missed"),
    "reopened": _("Reopened before the solve"),
    "one_touch": _("Solved with one reply"),
    "unanswered": _("Not answered yet"),
}


@login_required
@require_GET
def operations_tickets(request: HttpRequest) -> HttpResponse:
    """The tickets behind any number of the operational report."""
    scope = access.dashboard_scope(request.user)
    form = _form(request, scope)
    if not form.is_valid():
        return _invalid(request, form, scope)
    cohort = "solved" if request.GET.get("cohort") == "solved" else "created"
    metric = request.GET.get("metric", "")
    if metric not in DRILL_METRICS:
        raise Http404
    qs = operations.drilldown(scope, form.current, cohort=cohort, filters=_filters(form), metric=metric)
    page = Paginator(qs.order_by("-created_at", "-pk"), DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/operations_tickets.html",
        {
            "form": form,
            "page": page,
            "current": form.current,
            "cohort": cohort,
            "metric_label": DRILL_METRICS[metric],
            "query_string": query.urlencode(),
        },
    )


CSV_COLUMNS = [
    "section", "key", "label", "created", "solved", "reopened", "one_touch", "first_response_median_minutes",
    "first_response_p90_minutes", "resolution_median_minutes", "resolution_p90_minutes", "sla_first_response_met",
    "sla_first_response_total", "sla_resolution_met", "sla_resolution_total", "open", "pending",
]  # fmt: skip


@login_required
@require_GET
def operations_csv(request: HttpRequest) -> HttpResponse:
    """What the operational report shows, as one CSV: a `section` column names each table; minutes are business minutes."""
    scope = access.dashboard_scope(request.user)
    form = _form(request, scope)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    report = build_report(scope, form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="operations-{form.current.since}-{form.current.until}.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()

    def write(section: str, row) -> None:
        writer.writerow({k: _csv_safe(v) for k, v in {"section": section, **row.as_report()}.items()})

    write("period", report["summary"])
    write("previous_period", report["previous"])
    for group in GROUP_LABELS:
        for row in report["by"][group]:
            write(f"by_{group}", row)
    # Custom fields with few values (choice, checkbox): one section each, `by_field:<key>`.
    with operations.reading():
        for group in operations.field_groups(types=("choice", "checkbox")):
            for row in operations.breakdown(scope, form.current, group, _filters(form)):
                write(f"by_{group}", row)
    for row in report["trend"]:
        write("trend", row)
    for day in report["backlog"]:
        writer.writerow(
            {
                "section": "backlog",
                "key": day["day"].isoformat(),
                "label": _csv_safe(day["label"]),
                "open": day["open"],
                "pending": day["pending"],
            }
        )
    return response


@login_required
@require_GET
def scorecard(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    """One agent's speed beside their satisfaction and off-script actions, against their own earlier periods.

    An agent sees their own; a lead or manager sees the agents of the departments they may report on.
    Never a ranking: no other agent's figures are on the page.
    """
    User = get_user_model()
    if user_id is None or user_id == request.user.pk:
        access.require_own_page(request.user)
        person = request.user
    else:
        scope = access.dashboard_scope(request.user)
        person = User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()
        if (
            person is None
            or not hasattr(person, "profile")
            or not scope.allows_department(person.profile.department_id)
        ):
            raise Http404
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "insights/scorecard.html", {"form": form, "invalid": True, "person": person}, status=400)
    everything = access.Scope(None)
    periods_shown = [form.current]
    for _i in range(SCORECARD_PERIODS - 1):
        periods_shown.append(periods_shown[-1].shifted_back())
    rows = []
    for period in periods_shown:
        ops = operations.summary(everything, period, OpsFilters(agent_id=person.pk))
        csat = selectors.summary(selectors.cohort(everything, period, Filters(agent_id=person.pk)))
        actions = selectors.own_offscript_actions(person, period).count()
        rows.append({"period": period, "ops": ops, "csat": csat, "actions": actions})
    return render(
        request,
        "insights/scorecard.html",
        {"form": form, "person": person, "rows": rows, "current": form.current, "min_responses": min_responses()},
    )
