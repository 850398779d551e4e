"""Reads for the dashboards and the report API. Every number is aggregated in the database.

Which surveys a period holds (the cohort): the surveys *sent* in it (Survey.sent_at within the
period's instants in the viewer's time zone). `sent` counts them, `responses` those of them that
have a rating (whenever it came), `satisfied` those rated 4 or 5. So a response rate never exceeds
100 %, and the figures of a recent period still grow while its customers answer. The page, the CSV,
the API and the tests all use this one definition (`cohort`).

Agent, department and queue are the survey's own (copied at solve time): a ticket reassigned after
it was solved stays with the agent who solved it. The channel is the ticket's, copied onto the survey
(feedback keeps it equal to the ticket's), so no report joins the tickets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agents.models import ActionStatus, OffscriptAction, OffscriptKind
from feedback import freshness
from feedback.models import LOW_RATINGS, LowReason, Survey
from helpdesk import refdata
from helpdesk.routers import read_database, replica_reads
from insights.access import Scope
from insights.periods import Period, add_months
from insights.stats import SATISFIED_MIN, Tally, money_per_satisfied, share
from tickets.models import OPEN_STATUSES, Channel, Department, EventKind, Queue, Status, TicketEvent

GROUPS = ("agent", "team", "queue", "channel", "day", "week", "month")
API_GROUPS = ("agent", "team", "queue", "day", "week", "month")
TIME_GROUPS = ("day", "week", "month")
COMMENTS_SHOWN = 5
REPORT_WORK_MEM = "64MB"  # per hash table, for the report reads only (SET LOCAL)
CENT = Decimal("0.01")

_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
_KEY_FIELD = {"agent": "agent_id", "team": "department_id", "queue": "queue_id", "channel": "channel"}


@dataclass(frozen=True)
class Filters:
    """Narrowing a cohort: the dashboard's drill-down links carry these as query parameters."""

    agent_id: int | None = None
    department_id: int | None = None
    queue_id: int | None = None
    channel: str = ""
    offscript: str = ""  # "with" | "without" (approved off-script actions on the ticket)
    kind_id: int | None = None  # an approved action of this kind on the ticket
    rating: int | None = None
    outcome: str = ""  # "responded" | "unanswered" | "satisfied" | "unsatisfied" | "low" | "reopened"
    low_reason: str = ""

    def narrowed(self, **changes) -> Filters:
        return replace(self, **changes)


OUTCOMES = {
    "responded": _("Answered"),
    "unanswered": _("Not answered"),
    "satisfied": _("Satisfied (4–5)"),
    "unsatisfied": _("Not satisfied (1–3)"),
    "low": _("Low (1–2)"),
    "reopened": _("Reopened after the solve"),
}


def tickets_with_approved_actions(kind_id: int | None = None) -> QuerySet[OffscriptAction]:
    """Ticket ids with an approved off-script action: an uncorrelated subquery that PostgreSQL hashes once."""
    qs = OffscriptAction.objects.filter(status=ActionStatus.APPROVED)
    if kind_id is not None:
        qs = qs.filter(kind_id=kind_id)
    return qs.values("ticket_id")


def cohort(scope: Scope, period: Period, filters: Filters | None = None) -> QuerySet[Survey]:
    """The surveys sent in the period that the scope may count, narrowed by the filters."""
    qs = Survey.objects.filter(scope.survey_q(), sent_at__gte=period.start, sent_at__lt=period.end)
    f = filters or Filters()
    if f.agent_id is not None:
        # 0: surveys without an agent (the "No agent" row).
        qs = qs.filter(agent__isnull=True) if f.agent_id == 0 else qs.filter(agent_id=f.agent_id)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.queue_id is not None:
        qs = qs.filter(queue_id=f.queue_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    # Survey.offscript / .reopened: facts about the ticket that feedback keeps on the survey.
    if f.offscript == "with":
        qs = qs.filter(offscript=True)
    elif f.offscript == "without":
        qs = qs.filter(offscript=False)
    if f.kind_id is not None:
        qs = qs.filter(offscript=True, ticket_id__in=tickets_with_approved_actions(f.kind_id))
    if f.rating is not None:
        qs = qs.filter(rating=f.rating)
    if f.outcome == "responded":
        qs = qs.filter(rating__isnull=False)
    elif f.outcome == "unanswered":
        qs = qs.filter(rating__isnull=True)
    elif f.outcome == "satisfied":
        qs = qs.filter(rating__gte=SATISFIED_MIN)
    elif f.outcome == "unsatisfied":
        qs = qs.filter(rating__lt=SATISFIED_MIN)
    elif f.outcome == "low":
        qs = qs.filter(rating__in=LOW_RATINGS)
    elif f.outcome == "reopened":
        qs = qs.filter(reopened_after_solve=True)
    if f.low_reason:
        qs = qs.filter(rating__in=LOW_RATINGS, low_reason="" if f.low_reason == "none" else f.low_reason)
    return qs


# --- counting -------------------------------------------------------------------------------------


def _counts(*, distinct: bool = False) -> dict:
    """Conditional counts for one slice: sent, responses, satisfied, and each rating 1..5.

    Only `rating` is read (COUNT(*) and COUNT(rating) FILTER …), so PostgreSQL answers a period from the
    covering index on (sent_at) INCLUDE (agent, department, queue, rating) without touching the table.
    `distinct` counts each survey once where a join (to off-script actions) repeats it.
    """
    if distinct:
        counts = {
            "sent": Count("pk", distinct=True),
            "responses": Count("pk", filter=Q(rating__isnull=False), distinct=True),
            "satisfied": Count("pk", filter=Q(rating__gte=SATISFIED_MIN), distinct=True),
        }
        counts.update({f"r{r}": Count("pk", filter=Q(rating=r), distinct=True) for r in range(1, 6)})
        return counts
    counts = {
        "sent": Count("*"),
        "responses": Count("rating"),
        "satisfied": Count("rating", filter=Q(rating__gte=SATISFIED_MIN)),
    }
    counts.update({f"r{r}": Count("rating", filter=Q(rating=r)) for r in range(1, 6)})
    return counts


def _tally(row: dict, *, key=None, label="") -> Tally:
    return Tally(
        key=key,
        label=label,
        sent=row.get("sent") or 0,
        responses=row.get("responses") or 0,
        satisfied=row.get("satisfied") or 0,
        ratings=[row.get(f"r{r}") or 0 for r in range(1, 6)],
    )


def summary(qs: QuerySet[Survey]) -> Tally:
    """sent, responses, satisfied and the 1–5 distribution of a cohort: one query."""
    return _tally(qs.aggregate(**_counts()))


def _labels(group_by: str, keys) -> dict:
    ids = [k for k in keys if k is not None]
    if group_by == "agent":
        users = get_user_model().objects.filter(id__in=ids).only("id", "username", "first_name", "last_name")
        found = {u.id: u.get_full_name() or u.username for u in users}
        found[None] = _("No agent")
        return found
    if group_by == "team":
        return dict(Department.objects.filter(id__in=ids).values_list("id", "name"))
    if group_by == "queue":
        return {q.id: str(q) for q in Queue.objects.filter(id__in=ids).only("id", "name", "translations")}
    if group_by == "channel":
        return dict(Channel.choices)
    return {}


def _buckets(period: Period, group_by: str) -> list[dt.date]:
    """Every bucket start in the period, so the trend shows empty days/weeks/months too."""
    day = period.since
    if group_by == "week":
        day -= dt.timedelta(days=day.weekday())
    elif group_by == "month":
        day = day.replace(day=1)
    out = []
    while day <= period.until:
        out.append(day)
        if group_by == "day":
            day += dt.timedelta(days=1)
        elif group_by == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def bucket_label(day: dt.date, group_by: str) -> str:
    from django.utils.formats import date_format

    if group_by == "month":
        return date_format(day, "YEAR_MONTH_FORMAT")
    if group_by == "week":
        return _("Week of %(day)s") % {"day": date_format(day, "SHORT_DATE_FORMAT")}
    return date_format(day, "SHORT_DATE_FORMAT")


def bucket_range(day: dt.date, group_by: str, period: Period) -> tuple[dt.date, dt.date]:
    """The days of one bucket, clipped to the period (for drill-down links)."""
    if group_by == "day":
        end = day
    elif group_by == "week":
        end = day + dt.timedelta(days=6)
    else:
        end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return max(day, period.since), min(end, period.until)


def breakdown(qs: QuerySet[Survey], group_by: str, period: Period) -> list[Tally]:
    """One row per agent/team/queue/channel, or per day/week/month of the period (empty buckets included)."""
    if group_by in TIME_GROUPS:
        bucket = _TRUNC[group_by]("sent_at", tzinfo=period.tz)
        rows = qs.annotate(bucket=bucket).values("bucket").annotate(**_counts()).order_by()
        return _bucket_tallies(rows, "bucket", group_by, period)
    field = _KEY_FIELD[group_by]
    return _key_tallies(list(qs.values(field).annotate(**_counts()).order_by()), field, group_by)


def _bucket_tallies(rows, column: str, group_by: str, period: Period) -> list[Tally]:
    by_day = {}
    for row in rows:
        value = row[column]
        if isinstance(value, dt.datetime):
            # The ORM gives the bucket's start as an aware instant; raw SQL its wall time in period.tz.
            value = value.astimezone(period.tz).date() if value.tzinfo else value.date()
        by_day[value] = row
    out = []
    for day in _buckets(period, group_by):
        tally = _tally(by_day.get(day, {}), key=day.isoformat(), label=bucket_label(day, group_by))
        tally.extra["since"], tally.extra["until"] = bucket_range(day, group_by, period)
        out.append(tally)
    return out


def _key_tallies(rows: list[dict], column: str, group_by: str) -> list[Tally]:
    labels = _labels(group_by, [row[column] for row in rows])
    tallies = [_tally(row, key=row[column], label=labels.get(row[column], str(row[column]))) for row in rows]
    return sorted(tallies, key=lambda t: (t.key is None, str(t.label).casefold()))


def breakdowns(qs: QuerySet[Survey], group_bys: tuple[str, ...], period: Period) -> tuple[Tally, dict, list[dict]]:
    """The cohort's summary, one breakdown per group and the off-script comparison's rows per (agent, with or
    without an approved action). On PostgreSQL one pass over the period's covering index counts surveys per
    (agent, team, queue, with/without, reopened, rating), per (channel, rating) and per (bucket, rating)
    (GROUP BY GROUPING SETS: three hash tables, one scan), and every table is summed from those few thousand
    rows; elsewhere one query each, as `summary`, `breakdown` and `offscript` do."""
    connection = connections[qs.db]

    def separately() -> tuple[Tally, dict, list[dict]]:
        per_agent = list(
            qs.values("agent_id", "offscript")
            .annotate(**_counts(), reopened_n=Count("pk", filter=Q(reopened_after_solve=True)))
            .order_by()
        )
        return summary(qs), {group: breakdown(qs, group, period) for group in group_bys}, per_agent

    times = [group for group in group_bys if group in TIME_GROUPS]
    if connection.vendor != "postgresql" or len(times) > 1 or not set(group_bys) - set(times) <= set(_KEY_FIELD):
        return separately()
    trend = times[0] if times else "day"
    inner = qs.order_by().values(
        g_agent=F("agent_id"),
        g_team=F("department_id"),
        g_queue=F("queue_id"),
        g_offscript=F("offscript"),
        g_reopened=F("reopened_after_solve"),
        g_channel=F("channel"),
        g_bucket=_TRUNC[trend]("sent_at", tzinfo=period.tz),
        g_rating=F("rating"),
    )
    try:
        inner_sql, params = inner.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # a scope without departments: nothing to count, empty buckets to show
        return separately()
    names = ["g_agent", "g_team", "g_queue", "g_offscript", "g_reopened", "g_channel", "g_bucket", "g_rating"]
    sets = {
        "people": ("g_agent", "g_team", "g_queue", "g_offscript", "g_reopened", "g_rating"),
        "channel": ("g_channel", "g_rating"),
        "bucket": ("g_bucket", "g_rating"),
    }
    columns = ", ".join(names)
    grouping_sets = ", ".join(f"({', '.join(members)})" for members in sets.values())
    sql = (
        f"SELECT GROUPING({columns}) AS grouping_mask, {columns}, COUNT(*) AS n "
        f"FROM ({inner_sql}) AS cohort GROUP BY GROUPING SETS ({grouping_sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(["grouping_mask", *names, "n"], values, strict=True)) for values in cursor.fetchall()]
    # GROUPING(a, b, …) sets one bit per column *not* grouped in the row's set, the first column highest.
    bit = {name: 1 << (len(names) - 1 - i) for i, name in enumerate(names)}
    mask = {key: (1 << len(names)) - 1 - sum(bit[n] for n in members) for key, members in sets.items()}

    def add(found: dict, key, row: dict) -> None:
        counts = found.setdefault(key, {"sent": 0, "responses": 0, "satisfied": 0, "reopened_n": 0})
        n, rating = row["n"], row["g_rating"]
        counts["sent"] += n
        if row.get("g_reopened"):
            counts["reopened_n"] += n
        if rating is not None:
            counts["responses"] += n
            counts["satisfied"] += n if rating >= SATISFIED_MIN else 0
            counts[f"r{rating}"] = counts.get(f"r{rating}", 0) + n

    people_column = {"agent": "g_agent", "team": "g_team", "queue": "g_queue"}
    found: dict = defaultdict(dict)
    for row in rows:
        if row["grouping_mask"] == mask["people"]:
            add(found[None], None, row)
            for group, column in people_column.items():
                add(found[group], row[column], row)
            add(found["offscript"], (row["g_agent"], row["g_offscript"]), row)
        elif row["grouping_mask"] == mask["channel"]:
            add(found["channel"], row["g_channel"], row)
        elif row["grouping_mask"] == mask["bucket"]:
            add(found[trend], row["g_bucket"], row)

    def keyed(group: str, column: str) -> list[dict]:
        return [{column: key, **counts} for key, counts in found[group].items()]

    tables = {}
    for group in group_bys:
        if group in TIME_GROUPS:
            tables[group] = _bucket_tallies(keyed(group, "bucket"), "bucket", group, period)
        else:
            tables[group] = _key_tallies(keyed(group, "key"), "key", group)
    per_agent = [
        {"agent_id": agent_id, "offscript": offscript, **counts}
        for (agent_id, offscript), counts in found["offscript"].items()
    ]
    return _tally(found[None].get(None, {})), tables, per_agent


def comments(qs: QuerySet[Survey], *, worst: bool, limit: int = COMMENTS_SHOWN) -> list[Survey]:
    """The customers' own words: the unsatisfied (1–3) lowest first, or the satisfied (4–5) highest first.

    The few shown are picked from the comments' covering index alone, then only they are read (with their
    agent's name): a quarter holds thousands of comments."""
    if worst:
        ratings, order = Q(rating__lt=SATISFIED_MIN), ("rating", "-answered_at", "-id")
    else:
        ratings, order = Q(rating__gte=SATISFIED_MIN), ("-rating", "-answered_at", "-id")
    shown = qs.filter(ratings).exclude(comment="").order_by(*order).values("pk")[:limit]
    return list(
        Survey.objects.filter(pk__in=Subquery(shown))
        .select_related("agent")
        .only(
            "id", "ticket_id", "rating", "comment", "answered_at", "sent_at",
            "agent__username", "agent__first_name", "agent__last_name",
        )
        .order_by(*order)
    )  # fmt: skip


def low_reasons(qs: QuerySet[Survey]) -> list[dict]:
    """Low ratings (1–2) counted by the reason the customer gave; every reason listed, "not given" last."""
    counts = dict(qs.filter(rating__in=LOW_RATINGS).values_list("low_reason").annotate(n=Count("*")).order_by())
    total = sum(counts.values())
    rows = [
        {"key": value, "label": label, "count": counts.get(value, 0), "percent": share(counts.get(value, 0), total)}
        for value, label in LowReason.choices
    ]
    rows.append(
        {
            "key": "none",
            "label": _("No reason given"),
            "count": counts.get("", 0),
            "percent": share(counts.get("", 0), total),
        }
    )
    return rows


# --- off-script actions and satisfaction ----------------------------------------------------------


@dataclass
class OffscriptSide:
    tally: Tally
    reopened: int = 0

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopened, self.tally.sent)


def _spending(qs: QuerySet[Survey]) -> list[dict]:
    """Approved amounts on the cohort's tickets (each ticket once), per kind, granting agent and currency."""
    tickets = qs.filter(offscript=True).order_by().values("ticket_id")  # the few, from their own index
    actions = OffscriptAction.objects.filter(
        status=ActionStatus.APPROVED, amount__isnull=False, ticket_id__in=Subquery(tickets)
    )
    return list(actions.values("kind_id", "agent_id", "currency").annotate(total=Sum("amount")).order_by())


def _per_kind(qs: QuerySet[Survey]) -> list[dict]:
    """Counts per kind of approved action over the cohort's surveys with actions (their own small index),
    each survey once per kind: joined to the distinct (ticket, kind) pairs of approved actions, not through
    the tickets."""
    inner = qs.filter(offscript=True).order_by().values("ticket_id", r=F("rating"), reo=F("reopened_after_solve"))
    try:
        inner_sql, params = inner.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return []
    counts = ", ".join(
        [
            "COUNT(*) AS sent",
            "COUNT(c.r) AS responses",
            f"COUNT(CASE WHEN c.r >= {SATISFIED_MIN} THEN 1 END) AS satisfied",
        ]
        + [f"COUNT(CASE WHEN c.r = {r} THEN 1 END) AS r{r}" for r in range(1, 6)]
        + ["COUNT(CASE WHEN c.reo THEN 1 END) AS reopened_n"]
    )
    actions = OffscriptAction._meta.db_table
    sql = (
        f"SELECT a.kind_id, {counts} FROM ({inner_sql}) AS c JOIN "
        f"(SELECT DISTINCT ticket_id, kind_id FROM {actions} WHERE status = %s) AS a ON a.ticket_id = c.ticket_id "
        "GROUP BY a.kind_id"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [*params, ActionStatus.APPROVED])
        described = [col[0] for col in cursor.description]
        return [dict(zip(described, values, strict=True)) for values in cursor.fetchall()]


def _sum_money(rows: list[dict]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        out[row["currency"] or "—"] += Decimal(row["total"]).quantize(CENT)
    return dict(sorted(out.items()))


def _merge(tallies) -> Tally:
    total = Tally()
    for t in tallies:
        total.sent += t.sent
        total.responses += t.responses
        total.satisfied += t.satisfied
        total.ratings = [a + b for a, b in zip(total.ratings, t.ratings, strict=True)]
    return total


def offscript(qs: QuerySet[Survey], *, detail: bool = True, grouped: list[dict] | None = None) -> dict:
    """Tickets with and without approved off-script actions: CSAT, reopen rate, money per satisfied customer,
    overall, per kind of action and per agent (at solve time). Whether a survey's ticket had an approved action
    and reopened after the solve are the survey's own fields (feedback keeps them), so:

    - per (agent, with/without): counts and reopenings from the period's covering index (or `grouped`, those
      rows as the dashboard's one pass computed them); the overall comparison is their sum;
    - per kind: the same counts over the surveys with actions (their own small index) joined to the actions;
    - money: approved amounts per (kind, granting agent, currency), summed as each table needs;
    - the agents' names.

    Without `detail` (an agent's own page) only the overall comparison and its money: two queries.
    """
    if grouped is None:
        grouped = list(
            qs.values("agent_id", "offscript")
            .annotate(**_counts(), reopened_n=Count("pk", filter=Q(reopened_after_solve=True)))
            .order_by()
        )
    per_agent: dict = defaultdict(dict)
    for row in grouped:
        per_agent[row["agent_id"]][bool(row["offscript"])] = OffscriptSide(_tally(row), reopened=row["reopened_n"])
    sides = {}
    for flag in (True, False):
        parts = [pair[flag] for pair in per_agent.values() if flag in pair]
        sides[flag] = OffscriptSide(_merge(p.tally for p in parts), reopened=sum(p.reopened for p in parts))
        sides[flag].tally.key = "with" if flag else "without"
    spending = _spending(qs)
    money = _sum_money(spending)
    result = {
        "with": sides[True],
        "without": sides[False],
        "money": money,
        "money_per_satisfied": money_per_satisfied(money, sides[True].tally.satisfied),
        "kinds": [],
        "agents": [],
    }
    if not detail:
        return result

    kind_field = "kind_id"
    kind_rows = _per_kind(qs)
    by_kind: dict = defaultdict(list)
    by_agent: dict = defaultdict(list)
    for row in spending:
        by_kind[row["kind_id"]].append(row)
        by_agent[row["agent_id"]].append(row)
    kinds = []
    names = {k.id: str(k) for k in OffscriptKind.objects.only("id", "name", "translations")}
    for row in kind_rows:
        tally = _tally(row, key=row[kind_field], label=names.get(row[kind_field], "?"))
        spent = _sum_money(by_kind.get(row[kind_field], []))
        kinds.append(
            {
                "tally": tally,
                "reopened": row["reopened_n"],
                "reopen_rate": share(row["reopened_n"], tally.sent),
                "money": spent,
                "money_per_satisfied": money_per_satisfied(spent, tally.satisfied),
            }
        )

    with_actions = {agent_id: pair for agent_id, pair in per_agent.items() if True in pair}
    labels = _labels("agent", list(with_actions))
    agents = []
    for agent_id, pair in with_actions.items():
        # Money per agent: what the agent granted on the cohort's tickets (OffscriptAction.agent).
        spent = _sum_money(by_agent.get(agent_id, []))
        agents.append(
            {
                "key": agent_id,
                "label": labels.get(agent_id, "?"),
                "with": pair[True],
                "without": pair.get(False) or OffscriptSide(Tally()),
                "money": spent,
                "money_per_satisfied": money_per_satisfied(spent, pair[True].tally.satisfied),
            }
        )
    result["kinds"] = sorted(kinds, key=lambda r: str(r["tally"].label).casefold())
    result["agents"] = sorted(agents, key=lambda r: str(r["label"]).casefold())
    return result


# --- drill-down -----------------------------------------------------------------------------------


def surveys_for_drilldown(qs: QuerySet[Survey]) -> QuerySet[Survey]:
    return qs.select_related("ticket", "agent", "queue", "department", "customer").order_by("-sent_at", "-id")


# --- one agent's own page -------------------------------------------------------------------------


def own_offscript_actions(user: User, period: Period) -> QuerySet[OffscriptAction]:
    """The agent's off-script actions recorded in the period, with how that ticket's customer answered."""
    latest_survey = Survey.objects.filter(ticket_id=OuterRef("ticket_id"), sent_at__isnull=False).order_by(
        "-sent_at", "-id"
    )
    return (
        OffscriptAction.objects.filter(agent=user, created_at__gte=period.start, created_at__lt=period.end)
        .select_related("kind", "ticket")
        .annotate(
            survey_rating=Subquery(latest_survey.values("rating")[:1]),
            survey_comment=Subquery(latest_survey.values("comment")[:1]),
            survey_sent_at=Subquery(latest_survey.values("sent_at")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def kudos_received(user: User, period: Period, *, limit: int = 20) -> list:
    """What later apps tell "My feedback" this person received in the period (insights.hooks.received_recognition)."""
    from insights import hooks

    found: list = []
    for provider in hooks.received_recognition:
        found += provider(user=user, start=period.start, end=period.end, limit=limit)
    return found[:limit]


def history(qs_for_span: QuerySet[Survey], period: Period) -> list[Tally]:
    """Month by month over a longer span: an agent's own earlier periods."""
    return breakdown(qs_for_span, "month", period)


def agents_in(qs: QuerySet[Survey]) -> list:
    ids = qs.order_by().values_list("agent_id", flat=True).distinct()
    return list(get_user_model().objects.filter(id__in=Subquery(ids)).order_by("first_name", "last_name", "username"))


# --- whole pages ----------------------------------------------------------------------------------


@contextmanager
def _without_jit():
    """PostgreSQL's JIT compiler costs ~0.7 s on a short aggregation whose estimated cost is inflated and saves
    nothing on these: off for this read only, and more memory to hash the one pass's groups.

    Whole pages are reports: they read from the replica when there is one (helpdesk.routers)."""
    with replica_reads():
        alias = read_database()
        if connections[alias].vendor != "postgresql":
            yield
            return
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            # SET LOCAL both, in one statement. Enough memory to hash the one pass's groups: PostgreSQL cannot
            # estimate how few a time bucket makes (an expression), and otherwise sorts 150,000 rows on disk.
            cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)", [REPORT_WORK_MEM])
            yield


def dashboard(scope: Scope, current: Period, previous: Period, filters: Filters, trend_by: str) -> dict:
    """Everything the manager's dashboard (and its CSV) shows, for a period and the one before it.

    Cached in two parts, each until something changes that its figures count: a survey sent in its
    period (sent, answered), an off-script action or a reopening on one of their tickets
    (feedback.freshness, per UTC day), or the names it shows (agents, teams, queues, kinds of action:
    helpdesk.refdata). The parts are the period's own sections and the previous period's summary, so a
    new answer this quarter leaves last quarter's figures cached."""
    departments = "all" if scope.everything else ",".join(str(d) for d in sorted(scope.department_ids))
    viewer = [departments, str(current.tz), get_language() or "", repr(filters)]

    def part(name: str, period: Period, compute: Callable[[], Any], *extra: str) -> Any:
        described = ":".join([*viewer, f"{period.since}..{period.until}", *extra])
        stamp = freshness.stamp(period.start, period.end)
        key = f"csat-dashboard:{name}:{hashlib.sha256(described.encode()).hexdigest()[:32]}:{stamp}"
        return refdata.cached(key, [get_user_model(), Department, Queue, OffscriptKind], compute)

    def sections() -> dict:
        with _without_jit():
            return _sections(scope, current, filters, trend_by)

    def previous_summary() -> Tally:
        with _without_jit():
            return summary(cohort(scope, previous, filters))

    report = dict(part("current", current, sections, trend_by))
    report["previous"] = part("previous", previous, previous_summary)
    return report


def _is_reopening(event: TicketEvent) -> bool:
    return event.kind == EventKind.STATUS and event.old_value == Status.SOLVED and event.new_value in OPEN_STATUSES


def on_event_for_reports(event: TicketEvent) -> None:
    """tickets.events in-transaction subscriber: a reopening changes what the ticket's surveys count."""
    if _is_reopening(event):
        freshness.touch_tickets([event.ticket_id])


def on_events_for_reports(events: list[TicketEvent]) -> None:
    """The batch form (tickets.events.record_many, e.g. a bulk reopening): one survey query for all."""
    freshness.touch_tickets({e.ticket_id for e in events if _is_reopening(e)})


on_event_for_reports.many = on_events_for_reports


def on_offscript_action_changed(sender: type, instance: object, **kwargs) -> None:
    """post_save / post_delete of an off-script action: the CSAT with and without actions of its ticket."""
    freshness.touch_tickets([instance.ticket_id])


def _sections(scope: Scope, current: Period, filters: Filters, trend_by: str) -> dict:
    """The dashboard's sections about the period itself (everything but the previous period's summary)."""
    qs = cohort(scope, current, filters)
    tables = ("agent", "team", "queue", "channel")
    total, by, per_agent = breakdowns(qs, (*tables, trend_by), current)
    return {
        "summary": total,
        "by": {group: by[group] for group in tables},
        "trend": by[trend_by],
        "worst": comments(qs, worst=True),
        "best": comments(qs, worst=False),
        "low_reasons": low_reasons(qs),
        "offscript": offscript(qs, grouped=per_agent),
    }


def own_cohort(user: User, period: Period) -> QuerySet[Survey]:
    """An agent's own surveys (agent at solve time), whatever department they were in."""
    return cohort(Scope(None), period, Filters(agent_id=user.id))


def own_feedback(user: User, current: Period, previous: Period) -> dict:
    """One agent's own figures: this period, the one before, and month by month over the last year."""
    with _without_jit():
        return _own_feedback(user, current, previous)


def _own_feedback(user, current: Period, previous: Period) -> dict:
    qs = own_cohort(user, current)
    year = Period(since=add_months(current.until.replace(day=1), -11), until=current.until, tz=current.tz)
    return {
        "summary": summary(qs),
        "previous": summary(own_cohort(user, previous)),
        "trend": breakdown(own_cohort(user, year), "month", year),
        "trend_period": year,
        "offscript": offscript(qs, detail=False),
        "low_reasons": low_reasons(qs),
    }


def describe(filters: Filters) -> list[str]:
    """The drill-down's narrowing in words ("Agent: Ana Silva", "Rating: 5"), for the list's heading."""
    out = []
    if filters.agent_id is not None:
        out.append(_("Agent: %(name)s") % {"name": _labels("agent", [filters.agent_id]).get(filters.agent_id, "?")})
    if filters.department_id is not None:
        out.append(
            _("Team: %(name)s") % {"name": _labels("team", [filters.department_id]).get(filters.department_id, "?")}
        )
    if filters.queue_id is not None:
        out.append(_("Queue: %(name)s") % {"name": _labels("queue", [filters.queue_id]).get(filters.queue_id, "?")})
    if filters.channel:
        out.append(_("Channel: %(name)s") % {"name": dict(Channel.choices).get(filters.channel, filters.channel)})
    if filters.offscript:
        out.append(_("With off-script actions") if filters.offscript == "with" else _("Without off-script actions"))
    if filters.kind_id is not None:
        kind = OffscriptKind.objects.filter(pk=filters.kind_id).first()
        out.append(_("Off-script kind: %(name)s") % {"name": str(kind) if kind else "?"})
    if filters.rating is not None:
        out.append(_("Rating: %(n)s") % {"n": filters.rating})
    if filters.outcome:
        out.append(str(OUTCOMES[filters.outcome]))
    if filters.low_reason:
        out.append(_("Reason: %(r)s") % {"r": dict(LowReason.choices).get(filters.low_reason, _("No reason given"))})
    return out
