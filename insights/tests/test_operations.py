"""Operational reports: every figure recomputed in plain Python from tickets and their history, and
compared with the selector and `/api/reports/operations/`; the live stats equal a rebuild; visibility
and bad input."""

import datetime as dt
import random
import statistics
import zoneinfo
from collections import defaultdict

import pytest

from insights import metrics, operations
from insights.access import Scope
from insights.models import TicketStats
from insights.periods import Period
from tickets import services
from tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent

URL = "/api/reports/operations/"
UTC = dt.UTC
LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def _shift(ticket: Ticket, created: dt.datetime, rng: random.Random) -> None:
    """Move a ticket made now into the past, keeping the order and gaps of its own history."""
    events = list(ticket.events.order_by("created_at", "id"))
    origin = ticket.created_at
    delta = created - origin
    for i, event in enumerate(events):
        # Spread the history out: each event some minutes to days after the previous one.
        TicketEvent.objects.filter(pk=event.pk).update(
            created_at=event.created_at + delta + dt.timedelta(minutes=i * rng.randrange(5, 3000))
        )
    moved = {e.pk: e.created_at for e in TicketEvent.objects.filter(ticket=ticket)}
    first_reply = next((moved[e.pk] for e in events if e.kind == EventKind.REPLY), None)
    solves = [moved[e.pk] for e in events if e.kind == EventKind.STATUS and e.new_value == Status.SOLVED]
    ticket.refresh_from_db()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created,
        first_response_at=first_reply,
        solved_at=solves[-1] if solves and ticket.status in (Status.SOLVED, Status.CLOSED) else None,
        first_response_due=created + dt.timedelta(hours=rng.choice([1, 4, 24])),
        resolution_due=created + dt.timedelta(hours=rng.choice([8, 48, 72])),
    )


@pytest.fixture
def history(agent, teammate, other_agent, support_queue, billing_queue):
    """80 tickets over March 2026 in two departments: answered or not, solved, reopened, solved again."""
    rng = random.Random(17)
    people = [(agent, support_queue), (teammate, support_queue), (other_agent, billing_queue)]
    for n in range(80):
        who, queue = rng.choice(people)
        ticket = services.create_ticket(
            subject=f"Case {n}", body="Help", customer_email=f"c{n}@example.com", queue=queue, by=None
        )
        services.assign_ticket(ticket=ticket, assignee=who, by=who)
        roll = rng.random()
        if roll > 0.15:
            services.add_message(ticket=ticket, by=who, body="On it")
        if roll > 0.3:
            if rng.random() < 0.3:
                services.add_message(ticket=ticket, by=who, body="More")
            services.change_status(ticket=ticket, status=Status.SOLVED, by=who)
            if rng.random() < 0.25:
                services.change_status(ticket=ticket, status=Status.OPEN, by=None)
                if rng.random() < 0.6:
                    services.change_status(ticket=ticket, status=Status.SOLVED, by=who)
        elif roll > 0.2:
            services.change_status(ticket=ticket, status=Status.PENDING, by=who)
        created = dt.datetime(2026, 2, 26, tzinfo=UTC) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 36))
        _shift(ticket, created, rng)
    metrics.rebuild()


def plain_python(*, since, until, tz, group_by, now, departments=None):
    """The contract's definitions applied ticket by ticket from tickets and events, nothing from insights."""
    rows = defaultdict(lambda: defaultdict(int) | {"fr": [], "res": []})

    def key_of(ticket, moment):
        local = moment.astimezone(tz).date()
        return {
            "agent": ticket.assignee_id,
            "team": ticket.queue.department_id,
            "queue": ticket.queue_id,
            "channel": ticket.channel,
            "day": local.isoformat(),
            "week": (local - dt.timedelta(days=local.weekday())).isoformat(),
            "month": local.replace(day=1).isoformat(),
        }[group_by]

    def within(moment):
        return moment is not None and since <= moment.astimezone(tz).date() <= until

    for t in Ticket.objects.select_related("queue"):
        if departments is not None and t.queue.department_id not in departments:
            continue
        events = list(t.events.all())
        replies = sum(1 for e in events if e.kind == EventKind.REPLY)
        reopened = sum(
            1
            for e in events
            if e.kind == EventKind.STATUS and e.old_value == Status.SOLVED and e.new_value in OPEN_STATUSES
        )
        if within(t.created_at):
            row = rows[key_of(t, t.created_at)]
            row["created"] += 1
            if t.first_response_at:
                row["fr"].append((t.first_response_at - t.created_at).total_seconds() // 60)
            if t.first_response_due and (t.first_response_at or t.first_response_due < now):
                row["fr_total"] += 1
                row["fr_met"] += bool(t.first_response_at and t.first_response_at <= t.first_response_due)
        solved_at = t.solved_at if t.status in (Status.SOLVED, Status.CLOSED) else None
        if within(solved_at):
            row = rows[key_of(t, solved_at)]
            row["solved"] += 1
            row["reopened"] += reopened > 0
            row["one_touch"] += replies == 1
            row["res"].append((solved_at - t.created_at).total_seconds() // 60)
            if t.resolution_due:
                row["res_total"] += 1
                row["res_met"] += solved_at <= t.resolution_due
    return rows


def _median(values):
    return round(statistics.median(values), 1) if values else None


def _compare(api_rows, expected, group_by):
    by_key = {r["key"]: r for r in api_rows}
    for key, exp in expected.items():
        got = by_key[None if key is None else str(key)]
        assert got["created"] == exp["created"], (group_by, key)
        assert got["solved"] == exp["solved"], (group_by, key)
        assert got["reopened"] == exp["reopened"], (group_by, key)
        assert got["one_touch"] == exp["one_touch"], (group_by, key)
        assert got["first_response_median_minutes"] == _median(exp["fr"]), (group_by, key)
        assert got["resolution_median_minutes"] == _median(exp["res"]), (group_by, key)
        assert got["first_response_p90_minutes"] == (
            None if not exp["fr"] else round(operations.percentile(exp["fr"], 0.9), 1)
        )
        assert (got["sla_first_response_met"], got["sla_first_response_total"]) == (exp["fr_met"], exp["fr_total"])
        assert (got["sla_resolution_met"], got["sla_resolution_total"]) == (exp["res_met"], exp["res_total"])
    # Rows the API has beyond the expected ones are empty buckets of the trend.
    for key, got in by_key.items():
        if key not in {None if k is None else str(k) for k in expected}:
            assert got["created"] == got["solved"] == 0, (group_by, key)


@pytest.mark.parametrize("group_by", operations.GROUPS)
def test_every_figure_matches_plain_python_for_an_admin(history, admin_client, group_by):
    from django.utils import timezone

    response = admin_client.get(URL, {"group_by": group_by, "since": "2026-03-01", "until": "2026-03-31"})
    assert response.status_code == 200, response.content
    expected = plain_python(
        since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31), tz=UTC, group_by=group_by, now=timezone.now()
    )
    assert sum(r["created"] for r in response.json()["results"]) == sum(e["created"] for e in expected.values()) > 0
    _compare(response.json()["results"], expected, group_by)


def test_days_follow_the_viewers_time_zone(history, admin_user, admin_client):
    from django.utils import timezone

    admin_user.profile.timezone = "Europe/Lisbon"
    admin_user.profile.save()
    response = admin_client.get(URL, {"group_by": "day", "since": "2026-03-01", "until": "2026-03-31"})
    assert response.json()["time_zone"] == "Europe/Lisbon"
    expected = plain_python(
        since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31), tz=LISBON, group_by="day", now=timezone.now()
    )
    _compare(response.json()["results"], expected, "day")


def test_a_lead_sees_only_their_team(history, lead, client, support):
    from django.utils import timezone

    client.force_login(lead)
    response = client.get(URL, {"group_by": "queue", "since": "2026-03-01", "until": "2026-03-31"})
    assert response.status_code == 200
    expected = plain_python(
        since=dt.date(2026, 3, 1),
        until=dt.date(2026, 3, 31),
        tz=UTC,
        group_by="queue",
        now=timezone.now(),
        departments={support.pk},
    )
    keys = {r["key"] for r in response.json()["results"]}
    assert keys == {str(k) for k in expected}
    _compare(response.json()["results"], expected, "queue")


def test_agents_may_not_read_operational_reports(client, agent):
    client.force_login(agent)
    assert client.get(URL).status_code == 403


def test_anonymous_callers_are_refused(client, db):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"group_by": "planet"}, "group_by"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "until"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(admin_client, params, field):
    response = admin_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.content.decode()


def test_live_stats_equal_a_rebuild_after_real_changes(agent, teammate, support_queue):
    """The in-transaction subscriber and the rebuild agree, row for row, whatever happened to the ticket."""
    ticket = services.create_ticket(
        subject="Printer", body="Jammed", customer_email="p@example.com", queue=support_queue, by=None
    )
    services.assign_ticket(ticket=ticket, assignee=agent, by=agent)
    services.add_message(ticket=ticket, by=agent, body="Try this")
    services.add_message(ticket=ticket, by=agent, body="Note", internal=True)
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    services.change_status(ticket=ticket, status=Status.OPEN, by=None)
    services.assign_ticket(ticket=ticket, assignee=teammate, by=teammate)
    services.add_message(ticket=ticket, by=teammate, body="Fixed now")
    services.change_status(ticket=ticket, status=Status.SOLVED, by=teammate)
    live = TicketStats.objects.filter(pk=ticket.pk).values().get()
    assert live["replies"] == 2 and live["reopened"] == 1 and live["agent_id"] == teammate.pk
    assert live["solved_at"] is not None and live["first_response_minutes"] is not None
    metrics.rebuild([ticket.pk])
    assert TicketStats.objects.filter(pk=ticket.pk).values().get() == live


def test_a_reopened_ticket_leaves_the_solved_count_until_solved_again(agent, support_queue, admin_client):
    ticket = services.create_ticket(
        subject="Refund", body="?", customer_email="r@example.com", queue=support_queue, by=None
    )
    services.add_message(ticket=ticket, by=agent, body="Done")
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    summary = operations.summary(
        Scope(None), Period(dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1), UTC)
    )
    assert (summary.created, summary.solved, summary.one_touch) == (1, 1, 1)
    services.change_status(ticket=ticket, status=Status.OPEN, by=None)
    summary = operations.summary(
        Scope(None), Period(dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1), UTC)
    )
    assert summary.solved == 0
    services.change_status(ticket=ticket, status=Status.SOLVED, by=agent)
    summary = operations.summary(
        Scope(None), Period(dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1), UTC)
    )
    assert (summary.solved, summary.reopened, summary.reopen_rate) == (1, 1, 100.0)


def test_heatmap_counts_created_tickets_by_local_weekday_and_hour(history):
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), LISBON)
    grid = operations.heatmap(Scope(None), period)
    expected = [[0] * 24 for _ in range(7)]
    for created in Ticket.objects.values_list("created_at", flat=True):
        local = created.astimezone(LISBON)
        if dt.date(2026, 3, 1) <= local.date() <= dt.date(2026, 3, 31):
            expected[local.weekday()][local.hour] += 1
    assert grid == expected and sum(map(sum, grid)) > 0


def test_backlog_replays_history_into_end_of_day_counts(history):
    metrics.rebuild_backlog(since=dt.datetime(2026, 2, 25, tzinfo=UTC), until=dt.datetime(2026, 4, 15, tzinfo=UTC))
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), UTC)
    days = operations.backlog(Scope(None), period)
    assert [d["source"] for d in days] == ["snapshot"] * 31
    # Plain Python: each ticket's state at the end of 10 March from its history.
    moment = dt.datetime(2026, 3, 11, tzinfo=UTC)
    open_, pending = 0, 0
    for t in Ticket.objects.filter(created_at__lt=moment):
        state = Status.NEW
        for e in t.events.filter(kind=EventKind.STATUS, created_at__lt=moment).order_by("created_at", "id"):
            state = e.new_value
        open_ += state in (Status.NEW, Status.OPEN)
        pending += state == Status.PENDING
    day = next(d for d in days if d["day"] == dt.date(2026, 3, 10))
    assert (day["open"], day["pending"]) == (open_, pending)


def test_drilldown_lists_the_tickets_behind_a_number(history):
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), UTC)
    summary = operations.summary(Scope(None), period)
    assert operations.drilldown(Scope(None), period, cohort="solved", metric="reopened").count() == summary.reopened
    assert operations.drilldown(Scope(None), period, cohort="created").count() == summary.created
    missed = operations.drilldown(Scope(None), period, cohort="created", metric="sla_first_response_missed").count()
    assert missed == summary.sla_first_response_total - summary.sla_first_response_met
