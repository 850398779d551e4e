"""Pages: the manager's dashboard, its drill-down list and CSV, and every agent's "My feedback"."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights import access, selectors
from insights.forms import ReportForm
from insights.stats import min_responses
from tickets.access import is_lead_or_above

DRILLDOWN_PAGE_SIZE = 50
OWN_SURVEYS_PAGE_SIZE = 25


def nav_items(request) -> list[dict]:
    """tickets.hooks.nav_items provider: "My satisfaction" for staff, "Dashboard" for leads and above."""
    user = request.user
    items = []
    if access.can_have_own_page(user):
        items.append({"label": _("My satisfaction"), "url": reverse("insights:me"), "group": "me"})
    if is_lead_or_above(user):
        items.append({"label": _("Dashboard"), "url": reverse("insights:dashboard"), "group": "reports"})
        items.append({"label": _("Operations"), "url": reverse("insights:operations"), "group": "reports"})
    return items


def chart_data(report: dict, trend_by: str, *, own: bool = False) -> dict:
    """What the charts draw (insights.js reads it from json_script); the tables beside them show the same."""
    trend = report["trend"]
    current, previous = report["summary"], report["previous"]
    data = {
        "trend": {
            "labels": [str(t.label) for t in trend],
            "csat": [t.csat for t in trend],
            "responses": [t.responses for t in trend],
            "csatLabel": _("CSAT %"),
            "responsesLabel": _("Responses"),
        },
        "distribution": {
            "labels": [str(r) for r in range(1, 6)],
            "current": [d["percent"] or 0 for d in current.distribution],
            "previous": [d["percent"] or 0 for d in previous.distribution],
            # xgettext:no-python-format
            "currentLabel": _("This period (% of responses)"),
            # xgettext:no-python-format
            "previousLabel": _("Previous period (% of responses)"),
        },
        "reasons": {
            "labels": [str(r["label"]) for r in report["low_reasons"]],
            "counts": [r["count"] for r in report["low_reasons"]],
            "countLabel": _("Low ratings"),
        },
    }
    if not own:
        os_ = report["offscript"]
        data["offscript"] = {
            "labels": [_("With off-script actions"), _("Without")],
            "csat": [os_["with"].tally.csat, os_["without"].tally.csat],
            "reopen": [os_["with"].reopen_rate, os_["without"].reopen_rate],
            "csatLabel": _("CSAT %"),
            "reopenLabel": _("Reopened %"),
        }
    return data


def _report_form(request, scope) -> ReportForm:
    return ReportForm(request.GET, departments=access.visible_departments(scope))


def _invalid(request, template: str, form: ReportForm, **context):
    return render(
        request,
        template,
        {
            "form": form,
            "invalid": True,
            "drill_fields": [form[name] for name in ("channel", "offscript", "rating", "outcome", "low_reason")],
            **context,
        },
        status=400,
    )


@login_required
@require_GET
def dashboard(request):
    scope = access.dashboard_scope(request.user)
    form = _report_form(request, scope)
    if not form.is_valid():
        return _invalid(request, "insights/dashboard.html", form, scope=scope)
    report = selectors.dashboard(scope, form.current, form.previous, form.filters, form.trend_by)
    context = {
        "form": form,
        "scope": scope,
        "report": report,
        "current": form.current,
        "previous": form.previous,
        "trend_by": form.trend_by,
        "min_responses": min_responses(),
        "breakdowns": [
            ("agent", _("Agent"), "agent"),
            ("team", _("Team"), "team"),
            ("queue", _("Queue"), "queue"),
            ("channel", _("Channel"), "channel"),
        ],
        "comment_lists": [("worst", _("Lowest-rated comments")), ("best", _("Highest-rated comments"))],
    }
    context["charts"] = chart_data(report, form.trend_by)
    return render(request, "insights/dashboard.html", context)


@login_required
@require_GET
def surveys(request):
    """The surveys and tickets behind any number of the dashboard: the same filters, one row per survey."""
    scope = access.dashboard_scope(request.user)
    form = _report_form(request, scope)
    if not form.is_valid():
        return _invalid(request, "insights/surveys.html", form)
    qs = selectors.cohort(scope, form.current, form.filters)
    page = Paginator(selectors.surveys_for_drilldown(qs), DRILLDOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/surveys.html",
        {
            "form": form,
            "page": page,
            "current": form.current,
            "summary": selectors.summary(qs),
            "narrowed_by": selectors.describe(form.filters),
            "drill_fields": [form[name] for name in ("channel", "offscript", "rating", "outcome", "low_reason")],
            "drill_hidden": [form[name] for name in ("agent", "queue", "kind")],
            "query_string": query.urlencode(),
        },
    )


def _csv_safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = [
    "section", "key", "label", "sent", "responses", "satisfied", "csat_percent", "csat_95_low_percent",
    "csat_95_high_percent", "response_rate_percent", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5",
    "reopen_rate_percent", "money_spent", "money_per_satisfied", "comment",
]  # fmt: skip
# One scale in the CSV, named in its header: every share is a percentage (0–100, one decimal), as on screen.
PERCENT_COLUMNS = {"csat": 1, "csat_95_low": 1, "csat_95_high": 1, "response_rate": 100, "reopen_rate": 100}


def _in_percent(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key in PERCENT_COLUMNS:
            out[f"{key}_percent"] = None if value is None else round(float(value) * PERCENT_COLUMNS[key], 1)
        else:
            out[key] = value
    return out


def _tally_row(section: str, tally, **extra) -> dict:
    interval = tally.interval or (None, None)
    row = {
        "section": section,
        "key": tally.key,
        "label": tally.label,
        "sent": tally.sent,
        "responses": tally.responses,
        "satisfied": tally.satisfied,
        "csat": tally.csat,
        "csat_95_low": interval[0],
        "csat_95_high": interval[1],
        "response_rate": tally.response_rate,
    }
    row.update({f"rating_{r}": c for r, c in zip(range(1, 6), tally.ratings, strict=True)})
    row.update(extra)
    return row


def _money(amounts: dict) -> str:
    return "; ".join(f"{value} {currency}" for currency, value in amounts.items() if value is not None)


def csv_rows(report: dict, current, previous) -> list[dict]:
    rows = [
        _tally_row("period", report["summary"], key=current.since.isoformat(), label=f"{current.since}..{current.until}"),
        _tally_row(
            "previous_period", report["previous"], key=previous.since.isoformat(),
            label=f"{previous.since}..{previous.until}",
        ),
    ]  # fmt: skip
    for group in ("agent", "team", "queue", "channel"):
        rows += [_tally_row(f"by_{group}", t) for t in report["by"][group]]
    rows += [_tally_row("trend", t) for t in report["trend"]]
    rows += [{"section": "low_reason", "key": r["key"], "label": r["label"], "responses": r["count"]}
             for r in report["low_reasons"]]  # fmt: skip
    os_ = report["offscript"]
    for name in ("with", "without"):
        side = os_[name]
        extra = {"reopen_rate": side.reopen_rate}
        if name == "with":
            extra |= {"money_spent": _money(os_["money"]), "money_per_satisfied": _money(os_["money_per_satisfied"])}
        rows.append(_tally_row(f"offscript_{name}", side.tally, **extra))
    for k in report["offscript"]["kinds"]:
        rows.append(
            _tally_row(
                "offscript_kind", k["tally"], reopen_rate=k["reopen_rate"], money_spent=_money(k["money"]),
                money_per_satisfied=_money(k["money_per_satisfied"]),
            )
        )  # fmt: skip
    for a in report["offscript"]["agents"]:
        for name in ("with", "without"):
            side = a[name]
            side.tally.key, side.tally.label = a["key"], a["label"]
            extra = {"reopen_rate": side.reopen_rate}
            if name == "with":
                extra |= {"money_spent": _money(a["money"]), "money_per_satisfied": _money(a["money_per_satisfied"])}
            rows.append(_tally_row(f"offscript_agent_{name}", side.tally, **extra))
    for section in ("worst", "best"):
        for s in report[section]:
            rows.append({"section": f"{section}_comment", "key": s.pk, "label": s.ticket_id, "responses": 1,
                         f"rating_{s.rating}": 1, "comment": s.comment})  # fmt: skip
    return rows


@login_required
@require_GET
def export_csv(request):
    """What the dashboard shows, as one CSV: a `section` column names each table."""
    scope = access.dashboard_scope(request.user)
    form = _report_form(request, scope)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    report = selectors.dashboard(scope, form.current, form.previous, form.filters, form.trend_by)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"csat-{form.current.since}-{form.current.until}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in csv_rows(report, form.current, form.previous):
        writer.writerow({k: _csv_safe(v) for k, v in _in_percent(row).items()})
    return response


@login_required
@require_GET
def me(request):
    """An agent's own satisfaction: against their own earlier periods, never against colleagues."""
    access.require_own_page(request.user)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return _invalid(request, "insights/me.html", form)
    report = selectors.own_feedback(request.user, form.current, form.previous)
    mine = selectors.own_cohort(request.user, form.current)
    page = Paginator(selectors.surveys_for_drilldown(mine), OWN_SURVEYS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/me.html",
        {
            "form": form,
            "report": report,
            "current": form.current,
            "previous": form.previous,
            "page": page,
            "kudos": selectors.kudos_received(request.user, form.current),
            "actions": list(selectors.own_offscript_actions(request.user, form.current)[:50]),
            "min_responses": min_responses(),
            "charts": chart_data(report, "month", own=True),
            "query_string": query.urlencode(),
        },
    )
