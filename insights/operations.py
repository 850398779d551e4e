"""Reads for the operational reports: how fast, how much, how well — beside how happy.

Cohorts (the contract's "Operational reports"): a ticket counts in a period by `created_at` for
created, first response and SLA first response, and by `solved_at` (its last solve, while it stays
solved or closed) for solved, resolution, SLA resolution, reopened and one-touch. Minutes are
business minutes of the ticket's department calendar, computed when the ticket changes
(`insights.metrics`). Medians and 90th percentiles are over the tickets that have the time
(continuous percentiles, as PostgreSQL's `percentile_cont`); `None` when none has it.

SLA first response: a ticket with a target counts once it was answered or its target has passed
(answered late or not at all is a miss). SLA resolution: solved tickets with a target; met when
solved by it. Reopened: solved tickets that had been reopened before this solve. One-touch: solved
tickets with exactly one public reply.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights.access import Scope
from insights.models import BacklogSnapshot, TicketStats
from insights.periods import Period
from insights.selectors import _TRUNC, TIME_GROUPS, _buckets, _labels, bucket_label, bucket_range
from insights.stats import share
from tickets.models import OPEN_STATUSES, Status, Ticket

GROUPS = ("agent", "team", "queue", "channel", "day", "week", "month")
KEY_FIELDS = {"agent": "agent_id", "team": "department_id", "queue": "queue_id", "channel": "channel"}
# First-response bands (business minutes) for "does speed move satisfaction?".
SPEED_BANDS = [
    ("under_1h", _("Under 1 hour"), 0, 60),
    ("1h_4h", _("1–4 hours"), 60, 240),
    ("4h_8h", _("4–8 hours"), 240, 480),
    ("over_8h", _("Over 8 hours"), 480, None),
]


# Per-group percentiles sort the period's rows: enough memory to sort a year in RAM, not on disk.
REPORT_WORK_MEM = "64MB"


@contextmanager
def reading():
    """One transaction for a report's queries, with room to sort in memory and no JIT (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        cursor.execute("SET LOCAL jit = off")
        yield


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(p) WITHIN GROUP (ORDER BY expr); NULLs ignored."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


def percentile(values: list[float], p: float) -> float | None:
    """The same continuous percentile in Python (SQLite, and the tests' own arithmetic)."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    position = p * (len(data) - 1)
    low = int(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


@dataclass
class OpsRow:
    key: object = None
    label: str = ""
    created: int = 0
    solved: int = 0
    reopened: int = 0
    one_touch: int = 0
    first_response_median_minutes: float | None = None
    first_response_p90_minutes: float | None = None
    resolution_median_minutes: float | None = None
    resolution_p90_minutes: float | None = None
    sla_first_response_met: int = 0
    sla_first_response_total: int = 0
    sla_resolution_met: int = 0
    sla_resolution_total: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopened, self.solved)

    @property
    def one_touch_rate(self) -> float | None:
        return share(self.one_touch, self.solved)

    @property
    def sla_first_response_percent(self) -> float | None:
        return share(self.sla_first_response_met, self.sla_first_response_total)

    @property
    def sla_resolution_percent(self) -> float | None:
        return share(self.sla_resolution_met, self.sla_resolution_total)

    def as_report(self) -> dict:
        def rounded(v):
            return None if v is None else round(v, 1)

        return {
            "key": None if self.key is None else str(self.key),
            "label": str(self.label),
            "created": self.created,
            "solved": self.solved,
            "reopened": self.reopened,
            "one_touch": self.one_touch,
            "first_response_median_minutes": rounded(self.first_response_median_minutes),
            "first_response_p90_minutes": rounded(self.first_response_p90_minutes),
            "resolution_median_minutes": rounded(self.resolution_median_minutes),
            "resolution_p90_minutes": rounded(self.resolution_p90_minutes),
            "sla_first_response_met": self.sla_first_response_met,
            "sla_first_response_total": self.sla_first_response_total,
            "sla_resolution_met": self.sla_resolution_met,
            "sla_resolution_total": self.sla_resolution_total,
        }


@dataclass(frozen=True)
class OpsFilters:
    agent_id: int | None = None
    department_id: int | None = None
    queue_id: int | None = None
    channel: str = ""


def _scoped(scope: Scope, filters: OpsFilters | None) -> QuerySet[TicketStats]:
    qs = TicketStats.objects.all()
    if not scope.everything:
        qs = qs.filter(department_id__in=sorted(scope.department_ids))
    f = filters or OpsFilters()
    if f.agent_id is not None:
        qs = qs.filter(agent_id__isnull=True) if f.agent_id == 0 else qs.filter(agent_id=f.agent_id)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.queue_id is not None:
        qs = qs.filter(queue_id=f.queue_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs


def created_cohort(scope: Scope, period: Period, filters: OpsFilters | None = None) -> QuerySet[TicketStats]:
    return _scoped(scope, filters).filter(created_at__gte=period.start, created_at__lt=period.end)


def solved_cohort(scope: Scope, period: Period, filters: OpsFilters | None = None) -> QuerySet[TicketStats]:
    return _scoped(scope, filters).filter(solved_at__gte=period.start, solved_at__lt=period.end)


def _first_response_decided(now: dt.datetime) -> Q:
    return Q(first_response_due__isnull=False) & (Q(first_response_at__isnull=False) | Q(first_response_due__lt=now))


def _created_counts(now: dt.datetime) -> dict:
    return {
        "created": Count("pk"),
        "sla_fr_total": Count("pk", filter=_first_response_decided(now)),
        "sla_fr_met": Count(
            "pk", filter=Q(first_response_due__isnull=False, first_response_at__lte=F("first_response_due"))
        ),
    }


SOLVED_COUNTS = {
    "solved": Count("pk"),
    "reopened": Count("pk", filter=Q(reopened__gt=0)),
    "one_touch": Count("pk", filter=Q(replies=1)),
    "sla_res_total": Count("pk", filter=Q(resolution_due__isnull=False)),
    "sla_res_met": Count("pk", filter=Q(resolution_due__isnull=False, solved_at__lte=F("resolution_due"))),
}


def _grouped(qs: QuerySet[TicketStats], key, counts: dict, minutes_field: str) -> dict:
    """{group: {counts…, p50, p90}}: one query on PostgreSQL, two on other databases."""
    postgres = connection.vendor == "postgresql"
    aggregates = dict(counts)
    if postgres:
        aggregates["p50"] = PercentileCont(minutes_field, 0.5)
        aggregates["p90"] = PercentileCont(minutes_field, 0.9)
    rows = qs.annotate(group=key).values("group").annotate(**aggregates).order_by()
    out = {row["group"]: row for row in rows}
    if not postgres:
        values = defaultdict(list)
        for group, minutes in (
            qs.annotate(group=key).filter(**{f"{minutes_field}__isnull": False}).values_list("group", minutes_field)
        ):
            values[group].append(minutes)
        for group, row in out.items():
            row["p50"] = percentile(values.get(group, []), 0.5)
            row["p90"] = percentile(values.get(group, []), 0.9)
    return out


def _fill(row: OpsRow, created: dict | None, solved: dict | None) -> OpsRow:
    if created:
        row.created = created["created"]
        row.sla_first_response_total = created["sla_fr_total"]
        row.sla_first_response_met = created["sla_fr_met"]
        row.first_response_median_minutes = created["p50"]
        row.first_response_p90_minutes = created["p90"]
    if solved:
        row.solved = solved["solved"]
        row.reopened = solved["reopened"]
        row.one_touch = solved["one_touch"]
        row.sla_resolution_total = solved["sla_res_total"]
        row.sla_resolution_met = solved["sla_res_met"]
        row.resolution_median_minutes = solved["p50"]
        row.resolution_p90_minutes = solved["p90"]
    return row


def _local_day(value, tz) -> dt.date:
    return value.astimezone(tz).date() if isinstance(value, dt.datetime) else value


def breakdown(scope: Scope, period: Period, group_by: str, filters: OpsFilters | None = None) -> list[OpsRow]:
    """One row per agent/team/queue/channel, or per day/week/month of the period (empty buckets included)."""
    now = timezone.now()
    if group_by in TIME_GROUPS:
        trunc = _TRUNC[group_by]
        created = _grouped(
            created_cohort(scope, period, filters),
            trunc("created_at", tzinfo=period.tz),
            _created_counts(now),
            "first_response_minutes",
        )
        solved = _grouped(
            solved_cohort(scope, period, filters),
            trunc("solved_at", tzinfo=period.tz),
            SOLVED_COUNTS,
            "resolution_minutes",
        )
        created = {_local_day(k, period.tz): v for k, v in created.items()}
        solved = {_local_day(k, period.tz): v for k, v in solved.items()}
        rows = []
        for day in _buckets(period, group_by):
            row = _fill(
                OpsRow(key=day.isoformat(), label=bucket_label(day, group_by)), created.get(day), solved.get(day)
            )
            row.extra["since"], row.extra["until"] = bucket_range(day, group_by, period)
            rows.append(row)
        return rows
    if group_by.startswith(FIELD_GROUP_PREFIX):
        return _field_breakdown(scope, period, group_by[len(FIELD_GROUP_PREFIX) :], filters, now)
    key = F(KEY_FIELDS[group_by])
    created = _grouped(created_cohort(scope, period, filters), key, _created_counts(now), "first_response_minutes")
    solved = _grouped(solved_cohort(scope, period, filters), key, SOLVED_COUNTS, "resolution_minutes")
    keys = set(created) | set(solved)
    labels = _labels(group_by, list(keys))
    rows = [_fill(OpsRow(key=k, label=labels.get(k, str(k))), created.get(k), solved.get(k)) for k in keys]
    return sorted(rows, key=lambda r: (r.key is None, str(r.label).casefold()))


FIELD_GROUP_PREFIX = "field:"


def field_groups(*, types: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """`field:<key>` for each custom field (of these types): the report groups by its value."""
    from tickets.models import TicketField

    fields = TicketField.objects.order_by("position", "key")
    if types is not None:
        fields = fields.filter(type__in=types)
    return tuple(f"{FIELD_GROUP_PREFIX}{key}" for key in fields.values_list("key", flat=True))


def _field_breakdown(scope: Scope, period: Period, key: str, filters: OpsFilters | None, now) -> list[OpsRow]:
    """One row per value of a custom field (its text form; tickets without a value in one row)."""
    from django.db.models.fields.json import KeyTextTransform

    from tickets.models import FieldType, TicketField

    field = TicketField.objects.filter(key=key).first()
    value = KeyTextTransform(key, "ticket__fields")
    created = _grouped(created_cohort(scope, period, filters), value, _created_counts(now), "first_response_minutes")
    solved = _grouped(solved_cohort(scope, period, filters), value, SOLVED_COUNTS, "resolution_minutes")
    checkbox = {"true": _("Yes"), "false": _("No")}

    def label(k) -> str:
        if k is None:
            return str(_("No value"))
        if field is not None and field.type == FieldType.CHECKBOX:
            return str(checkbox.get(k, k))
        return str(k)

    rows = [_fill(OpsRow(key=k, label=label(k)), created.get(k), solved.get(k)) for k in set(created) | set(solved)]
    return sorted(rows, key=lambda r: (r.key is None, str(r.label).casefold()))


def summary(scope: Scope, period: Period, filters: OpsFilters | None = None) -> OpsRow:
    """The whole period in one row."""
    now = timezone.now()
    created = _grouped(created_cohort(scope, period, filters), Value(1), _created_counts(now), "first_response_minutes")
    solved = _grouped(solved_cohort(scope, period, filters), Value(1), SOLVED_COUNTS, "resolution_minutes")
    return _fill(OpsRow(key="all", label=_("All")), created.get(1), solved.get(1))


def heatmap(scope: Scope, period: Period, filters: OpsFilters | None = None) -> list[list[int]]:
    """Tickets created per weekday (Monday first) × hour of the day, in the period's time zone."""
    grid = [[0] * 24 for _day in range(7)]
    rows = (
        created_cohort(scope, period, filters)
        .annotate(
            weekday=ExtractIsoWeekDay("created_at", tzinfo=period.tz), hour=ExtractHour("created_at", tzinfo=period.tz)
        )
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] = row["n"]
    return grid


def _day_end(day: dt.date, tz) -> dt.datetime:
    local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return local.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def backlog(scope: Scope, period: Period, filters: OpsFilters | None = None) -> list[dict]:
    """Open and pending tickets at the end of each day of the period (now, for today)."""
    now = timezone.now()
    f = filters or OpsFilters()
    ends = {day: _day_end(day, period.tz) for day in _buckets(period, "day")}
    snapshots = BacklogSnapshot.objects.filter(taken_at__in=[e for e in ends.values() if e <= now])
    if not scope.everything:
        snapshots = snapshots.filter(department_id__in=sorted(scope.department_ids))
    if f.department_id is not None:
        snapshots = snapshots.filter(department_id=f.department_id)
    if f.queue_id is not None:
        snapshots = snapshots.filter(queue_id=f.queue_id)
    totals: dict = defaultdict(lambda: [0, 0])
    have = set()
    for taken_at, open_, pending in snapshots.values_list("taken_at", "open", "pending"):
        totals[taken_at][0] += open_
        totals[taken_at][1] += pending
        have.add(taken_at)
    live = None
    out = []
    for day, end in ends.items():
        if end > now:
            if live is None:
                live = _live_backlog(scope, f)
            values, source = live, "live"
        elif end in have:
            values, source = totals[end], "snapshot"
        else:
            values, source = (None, None), "missing"
        out.append(
            {"day": day, "label": bucket_label(day, "day"), "open": values[0], "pending": values[1], "source": source}
        )
    return out


def _live_backlog(scope: Scope, f: OpsFilters) -> tuple[int, int]:
    qs = Ticket.objects.filter(status__in=list(OPEN_STATUSES))
    if not scope.everything:
        qs = qs.filter(queue__department_id__in=sorted(scope.department_ids))
    if f.department_id is not None:
        qs = qs.filter(queue__department_id=f.department_id)
    if f.queue_id is not None:
        qs = qs.filter(queue_id=f.queue_id)
    if f.agent_id is not None:
        qs = qs.filter(assignee_id=f.agent_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    counts = qs.aggregate(
        open=Count("pk", filter=~Q(status=Status.PENDING)), pending=Count("pk", filter=Q(status=Status.PENDING))
    )
    return counts["open"], counts["pending"]


def drilldown(
    scope: Scope, period: Period, *, cohort: str, filters: OpsFilters | None = None, metric: str = ""
) -> QuerySet[Ticket]:
    """The tickets behind a number: `cohort` "created" or "solved", narrowed by a metric
    ("sla_first_response_missed", "sla_resolution_missed", "reopened", "one_touch", "unanswered")."""
    now = timezone.now()
    qs = solved_cohort(scope, period, filters) if cohort == "solved" else created_cohort(scope, period, filters)
    if metric == "sla_first_response_missed":
        qs = qs.filter(_first_response_decided(now)).exclude(first_response_at__lte=F("first_response_due"))
    elif metric == "sla_resolution_missed":
        qs = qs.filter(resolution_due__isnull=False, solved_at__gt=F("resolution_due"))
    elif metric == "reopened":
        qs = qs.filter(reopened__gt=0)
    elif metric == "one_touch":
        qs = qs.filter(replies=1)
    elif metric == "unanswered":
        qs = qs.filter(first_response_at__isnull=True)
    return Ticket.objects.filter(pk__in=qs.values("ticket_id")).select_related("queue", "assignee", "customer")


def speed_bands(surveys: QuerySet) -> list[dict]:
    """CSAT of a survey cohort by the ticket's first-response time band (business minutes)."""
    from insights.selectors import _counts, _tally

    out = []
    for key, label, low, high in SPEED_BANDS:
        condition = Q(ticket__opstats__first_response_minutes__gte=low)
        if high is not None:
            condition &= Q(ticket__opstats__first_response_minutes__lt=high)
        tally = _tally(surveys.filter(condition).aggregate(**_counts()), key=key, label=label)
        out.append({"key": key, "label": label, "tally": tally})
    return out
