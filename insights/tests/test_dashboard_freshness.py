"""The dashboard's figures are cached, yet always equal a plain recomputation from the surveys, their
tickets, the tickets' actions and history: new answers, newly sent surveys, off-script actions decided or
deleted, reopenings and a corrected channel show on the next view. The page reads the channel and the
off-script and reopened flags from the survey (feedback keeps them); the recomputation reads the sources."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from agents.models import OffscriptAction
from feedback.models import SATISFIED_RATINGS, Survey
from feedback.services import record_answer
from insights.tests.conftest import at
from insights.tests.factories import make_action, make_kind, make_survey, reopen
from tickets.models import Ticket, TicketEvent

MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}
SIDES = ("with", "without")


def plain(surveys) -> dict:
    """What the summary and the off-script comparison should say, counted in Python from the rows."""
    rated = [s.rating for s in surveys if s.rating is not None]
    return {
        "sent": len(surveys),
        "responses": len(rated),
        "satisfied": sum(1 for r in rated if r in SATISFIED_RATINGS),
        "ratings": [rated.count(r) for r in range(1, 6)],
    }


def march_surveys() -> list[Survey]:
    start, end = dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    return list(Survey.objects.filter(sent_at__gte=start, sent_at__lt=end))


def shown(client, params: dict = MARCH) -> dict:
    report = client.get(reverse("insights:dashboard"), params).context["report"]
    s = report["summary"]
    return {
        "summary": {"sent": s.sent, "responses": s.responses, "satisfied": s.satisfied, "ratings": s.ratings},
        "by_agent": {t.key: t.responses for t in report["by"]["agent"]},
        "with_offscript": report["offscript"]["with"].tally.sent,
        "reopened_with": report["offscript"]["with"].reopened,
    }


def shown_sources(client, params: dict = MARCH) -> dict:
    """What the page says about channels, off-script actions and reopenings."""
    report = client.get(reverse("insights:dashboard"), params).context["report"]
    os_ = report["offscript"]
    return {
        "by_channel": {t.key: (t.sent, t.responses, t.satisfied) for t in report["by"]["channel"]},
        "sides": {side: (os_[side].tally.sent, os_[side].tally.satisfied, os_[side].reopened) for side in SIDES},
        "kinds": {k["tally"].key: (k["tally"].sent, k["reopened"]) for k in os_["kinds"]},
    }


def recomputed_sources(surveys) -> dict:
    """The same, counted in Python from the tickets, their approved actions and their history."""
    by_channel: dict = {}
    sides = {"with": [0, 0, 0], "without": [0, 0, 0]}
    kinds: dict = {}
    for survey in surveys:
        ticket = Ticket.objects.get(pk=survey.ticket_id)
        satisfied = survey.rating in SATISFIED_RATINGS
        row = by_channel.setdefault(ticket.channel, [0, 0, 0])
        row[0] += 1
        row[1] += survey.rating is not None
        row[2] += satisfied
        approved = set(
            OffscriptAction.objects.filter(ticket=ticket, status="approved").values_list("kind_id", flat=True)
        )
        reopened = TicketEvent.objects.filter(
            ticket=ticket, kind="status", old_value="solved", new_value__in=["new", "open", "pending"],
            created_at__gte=survey.solved_at,
        ).exists()  # fmt: skip
        side = sides["with" if approved else "without"]
        side[0] += 1
        side[1] += satisfied
        side[2] += reopened
        for kind in approved:
            count = kinds.setdefault(kind, [0, 0])
            count[0] += 1
            count[1] += reopened
    return {
        "by_channel": {k: tuple(v) for k, v in by_channel.items()},
        "sides": {k: tuple(v) for k, v in sides.items()},
        "kinds": {k: tuple(v) for k, v in kinds.items()},
    }


@freeze_time("2026-03-20 12:00")
def test_the_figures_equal_a_recomputation_after_new_responses_arrive(client, manager, agent, teammate, support_queue):
    first = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5)
    waiting = make_survey(agent=teammate, queue=support_queue, sent_at=at(3))
    waiting.expires_at = at(30)
    waiting.save(update_fields=["expires_at"])
    client.force_login(manager)

    before = shown(client)
    assert before["summary"] == plain(march_surveys())
    assert shown(client) == before  # a second view is served from the cache, unchanged

    record_answer(survey=waiting, rating=2, reason="wait")  # a customer answers
    make_survey(agent=teammate, queue=support_queue, sent_at=at(19), rating=4)  # another survey is sent
    after = shown(client)
    assert after["summary"] == plain(march_surveys())
    assert after["summary"]["responses"] == before["summary"]["responses"] + 2
    assert after["by_agent"] == {agent.pk: 1, teammate.pk: 2}

    make_action(ticket=first.ticket, agent=agent, kind=make_kind())  # an off-script action on a counted ticket
    reopen(first.ticket, at(10))
    latest = shown(client)
    assert latest["with_offscript"] == 1 and latest["reopened_with"] == 1
    assert latest["summary"] == plain(march_surveys())


@freeze_time("2026-03-20 12:00")
def test_a_change_outside_the_period_keeps_its_cached_figures(client, manager, agent, support_queue):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5)
    client.force_login(manager)
    shown(client)
    make_survey(agent=agent, queue=support_queue, sent_at=at(2, month=5), rating=1)  # May: neither period
    with CaptureQueriesContext(connection) as queries:
        assert shown(client)["summary"]["sent"] == 1
    assert not any("feedback_survey" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("rating", [1, 5])
@freeze_time("2026-03-20 12:00")
def test_a_changed_answer_shows_at_once(client, manager, agent, support_queue, rating):
    survey = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=3)
    survey.expires_at = at(30)
    survey.save(update_fields=["expires_at"])
    client.force_login(manager)
    shown(client)
    record_answer(survey=survey, rating=rating)
    assert shown(client)["summary"]["ratings"][rating - 1] == 1


@freeze_time("2026-03-20 12:00")
def test_channels_actions_and_reopenings_equal_a_recomputation_from_the_tickets(
    client, manager, agent, teammate, support_queue
):
    by_email = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5, channel="email")
    by_web = make_survey(agent=teammate, queue=support_queue, sent_at=at(3), rating=2, channel="web")
    refund, credit = make_kind(), make_kind(name="Credit", slug="credit")
    make_action(ticket=by_web.ticket, agent=teammate, kind=credit)  # before the survey counted: still counts
    client.force_login(manager)
    assert shown_sources(client) == recomputed_sources(march_surveys())

    request = make_action(ticket=by_email.ticket, agent=agent, kind=refund, status="pending")
    assert shown_sources(client) == recomputed_sources(march_surveys())  # a request is not an action yet
    request.status = "approved"
    request.save(update_fields=["status"])
    reopen(by_email.ticket, at(10))
    after = shown_sources(client)
    assert after == recomputed_sources(march_surveys())
    assert after["sides"]["with"] == (2, 1, 1)

    OffscriptAction.objects.filter(ticket=by_web.ticket).delete()
    ticket = Ticket.objects.get(pk=by_web.ticket_id)
    ticket.channel = "phone"  # a corrected channel (no service changes one): the survey follows the ticket
    ticket.save()
    latest = shown_sources(client)
    assert latest == recomputed_sources(march_surveys())
    assert set(latest["by_channel"]) == {"email", "phone"} and latest["sides"]["without"] == (1, 0, 0)


@pytest.mark.parametrize("trend", ["day", "week", "month"])
@freeze_time("2026-03-20 12:00")
def test_the_one_pass_equals_one_query_per_table_in_athens(agent, teammate, support_queue, billing_queue, trend):
    """The page computes its tables and trend in one grouped pass; each equals the table's own query."""
    from insights import selectors
    from insights.access import Scope
    from insights.periods import Period
    from insights.tests.conftest import ATHENS

    for day, hour, rating, channel in ((1, 21, 5, "email"), (2, 23, 1, "web"), (9, 22, None, "api"), (30, 3, 4, "web")):
        make_survey(agent=agent, queue=support_queue, sent_at=at(day, hour), rating=rating, channel=channel)
    make_survey(agent=None, queue=billing_queue, sent_at=at(15), rating=3, channel="phone")
    make_survey(agent=teammate, queue=billing_queue, sent_at=at(28, 22), rating=5)
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), ATHENS)
    qs = selectors.cohort(Scope(None), period)
    groups = ("agent", "team", "queue", "channel", trend)
    total, tables, per_agent = selectors.breakdowns(qs, groups, period)

    def rows(tallies):
        return [(t.key, t.label, t.sent, t.responses, t.satisfied, t.ratings) for t in tallies]

    assert (total.sent, total.responses, total.ratings) == (6, 5, [1, 0, 1, 1, 2])
    for group in groups:
        assert rows(tables[group]) == rows(selectors.breakdown(qs, group, period)), group
    assert selectors.offscript(qs, grouped=per_agent) == selectors.offscript(qs)
