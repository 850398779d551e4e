"""/api/reports/csat/: the contract's shape, validation naming the field, visibility, and the same numbers
as the dashboard page, both checked against a computation in plain Python on the same data."""

import datetime as dt
import random
import zoneinfo
from collections import defaultdict

import pytest

from feedback.models import Survey
from insights.tests.conftest import at
from insights.tests.factories import make_survey
from tickets.models import Profile

URL = "/api/reports/csat/"


@pytest.fixture
def varied(agent, teammate, other_agent, support_queue, billing_queue):
    """60 surveys over March and early April at all hours, some unanswered, in two departments."""
    rng = random.Random(6)
    people = [(agent, support_queue), (teammate, support_queue), (other_agent, billing_queue)]
    for _ in range(60):
        who, queue = rng.choice(people)
        sent = dt.datetime(2026, 2, 27, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
        make_survey(agent=who, queue=queue, sent_at=sent, rating=rng.choice([None, 1, 2, 3, 4, 5, 5, 4]))


def plain_python(*, since, until, tz, group_by, departments=None):
    """The contract's definitions applied row by row, with nothing from insights."""
    rows = defaultdict(lambda: {"sent": 0, "responses": 0, "satisfied": 0})
    for s in Survey.objects.select_related("agent", "department", "queue"):
        local = s.sent_at.astimezone(tz).date()
        if not since <= local <= until or (departments is not None and s.department_id not in departments):
            continue
        if group_by == "agent":
            key = s.agent_id
        elif group_by == "team":
            key = s.department_id
        elif group_by == "queue":
            key = s.queue_id
        elif group_by == "day":
            key = local.isoformat()
        elif group_by == "week":
            key = (local - dt.timedelta(days=local.weekday())).isoformat()
        else:
            key = local.replace(day=1).isoformat()
        row = rows[key]
        row["sent"] += 1
        if s.rating is not None:
            row["responses"] += 1
            row["satisfied"] += s.rating in (4, 5)
    for row in rows.values():
        row["csat"] = round(100 * row["satisfied"] / row["responses"], 1) if row["responses"] else None
        row["response_rate"] = round(row["responses"] / row["sent"], 4)
    return dict(rows)


def non_empty(results):
    return {r["key"]: {k: r[k] for k in ("sent", "responses", "satisfied", "csat", "response_rate")}
            for r in results if r["sent"]}  # fmt: skip


@pytest.mark.parametrize("tz_name", ["UTC", "Europe/Athens", "America/New_York"])
def test_api_and_page_give_the_numbers_plain_python_gives(client, manager, varied, tz_name):
    Profile.objects.filter(user=manager).update(timezone=tz_name)
    tz = zoneinfo.ZoneInfo(tz_name)
    since, until = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    client.force_login(manager)
    for group_by in ("agent", "team", "queue", "day", "week", "month"):
        expected = plain_python(since=since, until=until, tz=tz, group_by=group_by)
        assert sum(r["sent"] for r in expected.values()) > 30  # the data really spans the period

        response = client.get(URL, {"group_by": group_by, "since": "2026-03-01", "until": "2026-03-31"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == len(body["results"]) and body["time_zone"] == tz_name
        assert set(body["results"][0]) == {"key", "label", "sent", "responses", "satisfied", "csat", "response_rate"}
        assert non_empty(body["results"]) == expected, group_by

        granularity = group_by if group_by in ("day", "week", "month") else ""
        page = client.get(
            "/insights/", {"period": "custom", "since": "2026-03-01", "until": "2026-03-31", "granularity": granularity}
        )
        assert page.status_code == 200
        report = page.context["report"]
        rows = report["trend"] if granularity else report["by"][group_by]
        assert non_empty([r.as_report() for r in rows]) == expected, group_by
        total = report["summary"]
        assert (total.sent, total.responses, total.satisfied) == (
            sum(r["sent"] for r in expected.values()),
            sum(r["responses"] for r in expected.values()),
            sum(r["satisfied"] for r in expected.values()),
        )


def test_a_lead_sees_only_the_team_they_lead(client, lead, varied, support):
    client.force_login(lead)
    body = client.get(URL, {"group_by": "team", "since": "2026-03-01", "until": "2026-03-31"}).json()
    assert [r["label"] for r in body["results"]] == ["Support"]
    expected = plain_python(
        since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31), tz=dt.UTC, group_by="agent", departments={support.pk}
    )
    body = client.get(URL, {"group_by": "agent", "since": "2026-03-01", "until": "2026-03-31"}).json()
    assert non_empty(body["results"]) == expected
    assert {r["label"] for r in body["results"]} == {"Ana Silva", "Tomás Reis"}


def test_a_manager_sees_the_departments_they_manage_and_an_admin_all(client, manager, admin_user, varied, billing):
    billing.manager = None
    billing.save(update_fields=["manager"])
    client.force_login(manager)
    body = client.get(URL, {"group_by": "team", "since": "2026-03-01", "until": "2026-03-31"}).json()
    assert [r["label"] for r in body["results"]] == ["Support"]
    client.force_login(admin_user)
    body = client.get(URL, {"group_by": "team", "since": "2026-03-01", "until": "2026-03-31"}).json()
    assert [r["label"] for r in body["results"]] == ["Billing", "Support"]


def test_agents_and_anonymous_callers_are_refused(client, agent):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(agent)
    assert client.get(URL).status_code == 403


def test_it_accepts_a_token(client, manager):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=manager)
    response = client.get(URL, {"group_by": "day"}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] == 30  # the last 30 days by default


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "customer"}, "group_by"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"since": "2026-03-10", "until": "2026-03-01"}, "until"),
        ({"since": "1900-01-01", "until": "2026-03-01"}, "since"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, manager, params, field):
    client.force_login(manager)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_it_is_read_only(client, manager):
    client.force_login(manager)
    assert client.post(URL, {}).status_code == 405


def test_no_responses_is_null_not_zero(client, manager, agent, support_queue):
    make_survey(agent=agent, queue=support_queue, sent_at=at(3))
    client.force_login(manager)
    [row] = client.get(URL, {"group_by": "agent", "since": "2026-03-01", "until": "2026-03-31"}).json()["results"]
    assert row == {"key": agent.pk, "label": "Ana Silva", "sent": 1, "responses": 0, "satisfied": 0, "csat": None,
                   "response_rate": 0.0}  # fmt: skip


def test_the_schema_documents_the_report(client, manager):
    client.force_login(manager)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/reports/csat/" in schema and "group_by" in schema
