"""The numbers on hand-made data: edge cases worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from insights import selectors
from insights.access import Scope
from insights.periods import Period
from insights.selectors import Filters
from insights.tests.conftest import ATHENS, UTC, at
from insights.tests.factories import make_action, make_kind, make_survey, reopen

ALL = Scope(None)


def test_a_period_without_responses_has_no_csat_and_no_division_error(agent, support_queue, march):
    make_survey(agent=agent, queue=support_queue, sent_at=at(5))
    make_survey(agent=agent, queue=support_queue, sent_at=at(6))
    qs = selectors.cohort(ALL, march)
    total = selectors.summary(qs)
    assert (total.sent, total.responses, total.satisfied, total.csat, total.interval) == (2, 0, 0, None, None)
    assert total.response_rate == 0.0
    [row] = selectors.breakdown(qs, "agent", march)
    assert row.csat is None and row.as_report()["csat"] is None
    side = selectors.offscript(qs)
    assert side["with"].tally.csat is None and side["with"].reopen_rate is None


def test_an_empty_period_gives_zeros_and_empty_buckets(db, march):
    qs = selectors.cohort(ALL, march)
    total = selectors.summary(qs)
    assert (total.sent, total.responses, total.csat, total.response_rate) == (0, 0, None, None)
    days = selectors.breakdown(qs, "day", march)
    assert len(days) == 31 and all(d.sent == 0 and d.csat is None for d in days)
    assert selectors.breakdown(qs, "agent", march) == []


def test_all_answers_in_one_bucket(agent, support_queue, march):
    for rating in (5, 5, 5, 5):
        make_survey(agent=agent, queue=support_queue, sent_at=at(12, 9), rating=rating)
    qs = selectors.cohort(ALL, march)
    total = selectors.summary(qs)
    assert total.ratings == [0, 0, 0, 0, 4]
    assert [d["percent"] for d in total.distribution] == [0.0, 0.0, 0.0, 0.0, 100.0]
    assert total.csat == 100.0 and total.interval == (51.0, 100.0)
    weeks = selectors.breakdown(qs, "week", march)
    assert [w.key for w in weeks if w.sent] == ["2026-03-09"]
    assert sum(w.sent for w in weeks) == 4
    assert weeks[0].key == "2026-02-23"  # 1 March 2026 is a Sunday: its week began on the 23rd
    assert weeks[0].extra["since"] == dt.date(2026, 3, 1)  # drill-down clipped to the period


def test_a_survey_at_2330_utc_belongs_to_the_next_day_in_athens(agent, support_queue):
    make_survey(agent=agent, queue=support_queue, sent_at=at(9, 23, 30), rating=5)
    in_athens = Period(dt.date(2026, 3, 10), dt.date(2026, 3, 10), ATHENS)
    in_utc = Period(dt.date(2026, 3, 10), dt.date(2026, 3, 10), UTC)
    assert selectors.summary(selectors.cohort(ALL, in_athens)).sent == 1
    assert selectors.summary(selectors.cohort(ALL, in_utc)).sent == 0
    march_athens = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), ATHENS)
    days = selectors.breakdown(selectors.cohort(ALL, march_athens), "day", march_athens)
    assert [d.key for d in days if d.sent] == ["2026-03-10"]
    march_utc = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), UTC)
    days = selectors.breakdown(selectors.cohort(ALL, march_utc), "day", march_utc)
    assert [d.key for d in days if d.sent] == ["2026-03-09"]


def test_a_month_boundary_in_athens(agent, support_queue):
    # 31 March 22:30 UTC is 1 April 01:30 in Athens (UTC+3 after the DST change)
    make_survey(agent=agent, queue=support_queue, sent_at=at(31, 22, 30), rating=4)
    year = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), ATHENS)
    months = selectors.breakdown(selectors.cohort(ALL, year), "month", year)
    assert [m.key for m in months if m.sent] == ["2026-04-01"]


def test_a_reassigned_ticket_stays_with_the_agent_who_solved_it(
    agent, teammate, lead, ticket, support_queue, march, django_capture_on_commit_callbacks, settings
):
    from feedback.models import Survey, SurveySettings
    from feedback.services import record_answer
    from tickets.services import assign_ticket, solve_ticket

    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == "sent" and survey.agent == agent
    record_answer(survey=survey, rating=2, comment="Slow", reason="wait")
    assign_ticket(ticket=ticket, assignee=teammate, by=lead)

    today = survey.sent_at.date()
    period = Period(today, today, UTC)
    rows = selectors.breakdown(selectors.cohort(ALL, period), "agent", period)
    assert [(r.key, r.sent, r.responses, r.satisfied) for r in rows] == [(agent.pk, 1, 1, 0)]
    assert selectors.summary(selectors.own_cohort(teammate, period)).sent == 0
    assert selectors.summary(selectors.own_cohort(agent, period)).responses == 1


def test_breakdowns_by_agent_team_queue_and_channel(agent, other_agent, support_queue, billing_queue, march):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5, channel="email")
    make_survey(agent=agent, queue=support_queue, sent_at=at(3), rating=3, channel="web")
    make_survey(agent=agent, queue=support_queue, sent_at=at(4), channel="web")
    make_survey(agent=other_agent, queue=billing_queue, sent_at=at(5), rating=4, channel="email")
    make_survey(agent=None, queue=billing_queue, sent_at=at(5), rating=1, channel="web")
    make_survey(agent=agent, queue=support_queue, sent_at=at(1, 12, month=4), rating=1)  # April: outside
    qs = selectors.cohort(ALL, march)

    def table(group):
        return [(r.label, r.sent, r.responses, r.satisfied, r.csat) for r in selectors.breakdown(qs, group, march)]

    assert table("agent") == [("Ana Silva", 3, 2, 1, 50.0), ("Bruno Lima", 1, 1, 1, 100.0), ("No agent", 1, 1, 0, 0.0)]
    assert table("team") == [("Billing", 2, 2, 1, 50.0), ("Support", 3, 2, 1, 50.0)]
    assert table("queue") == [("Billing", 2, 2, 1, 50.0), ("General support", 3, 2, 1, 50.0)]
    assert table("channel") == [("E-mail", 2, 2, 2, 100.0), ("Web form", 3, 2, 0, 0.0)]
    no_agent = selectors.cohort(ALL, march, Filters(agent_id=0))
    assert selectors.summary(no_agent).sent == 1


def test_a_scope_counts_only_its_departments(agent, other_agent, support_queue, billing_queue, support, march):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5)
    make_survey(agent=other_agent, queue=billing_queue, sent_at=at(2), rating=1)
    support_only = Scope(frozenset({support.pk}))
    assert selectors.summary(selectors.cohort(support_only, march)).satisfied == 1
    assert selectors.summary(selectors.cohort(Scope(frozenset()), march)).sent == 0


def test_an_answer_after_the_period_counts_for_the_period_the_survey_was_sent_in(agent, support_queue, march):
    survey = make_survey(agent=agent, queue=support_queue, sent_at=at(31, 20), rating=4)
    survey.answered_at = at(2, 9, month=4)
    survey.save(update_fields=["answered_at"])
    assert selectors.summary(selectors.cohort(ALL, march)).responses == 1
    april = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30), UTC)
    assert selectors.summary(selectors.cohort(ALL, april)).sent == 0


def test_worst_and_best_comments_and_low_ratings_by_reason(agent, support_queue, march):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=1, comment="Never again", low_reason="wait")
    make_survey(agent=agent, queue=support_queue, sent_at=at(3), rating=2, comment="Meh", low_reason="wait")
    make_survey(agent=agent, queue=support_queue, sent_at=at(3), rating=2, comment="", low_reason="")
    make_survey(agent=agent, queue=support_queue, sent_at=at(4), rating=5, comment="Brilliant")
    make_survey(agent=agent, queue=support_queue, sent_at=at(5), rating=4, comment="Good")
    make_survey(agent=agent, queue=support_queue, sent_at=at(5), rating=3, comment="So-so")
    qs = selectors.cohort(ALL, march)
    assert [s.comment for s in selectors.comments(qs, worst=True)] == ["Never again", "Meh", "So-so"]
    assert [s.comment for s in selectors.comments(qs, worst=False)] == ["Brilliant", "Good"]
    reasons = {r["key"]: (r["count"], r["percent"]) for r in selectors.low_reasons(qs)}
    assert reasons["wait"] == (2, 66.7) and reasons["none"] == (1, 33.3) and reasons["outcome"] == (0, 0.0)


def test_offscript_side_by_side_with_reopen_rate_and_money_per_satisfied(agent, teammate, support_queue, march):
    refund, credit = make_kind(), make_kind("Credit", "credit", currency="USD")
    # with: three tickets with approved actions, two satisfied, one reopened
    a = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5)
    make_action(ticket=a.ticket, agent=agent, kind=refund, amount="30.00")
    make_action(ticket=a.ticket, agent=agent, kind=refund, amount="20.00", status="rejected")  # not counted
    b = make_survey(agent=agent, queue=support_queue, sent_at=at(3), rating=4)
    make_action(ticket=b.ticket, agent=agent, kind=credit, amount="15.00")
    c = make_survey(agent=teammate, queue=support_queue, sent_at=at(4), rating=2)
    make_action(ticket=c.ticket, agent=teammate, kind=refund, amount="10.00")
    reopen(c.ticket, at(6))
    # without: four tickets, one satisfied, one reopened, one not answered
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5)
    d = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=1)
    reopen(d.ticket, at(3))
    reopen(d.ticket, at(1))  # before this solve: not a reopening of it
    make_survey(agent=teammate, queue=support_queue, sent_at=at(2), rating=3)
    make_survey(agent=teammate, queue=support_queue, sent_at=at(2))
    # a pending action does not make a ticket "with"
    e = make_survey(agent=teammate, queue=support_queue, sent_at=at(9))
    make_action(ticket=e.ticket, agent=teammate, kind=refund, amount="99.00", status="pending")

    qs = selectors.cohort(ALL, march)
    result = selectors.offscript(qs)
    w, wo = result["with"], result["without"]
    assert (w.tally.sent, w.tally.responses, w.tally.satisfied, w.tally.csat) == (3, 3, 2, 66.7)
    assert (w.reopened, w.reopen_rate) == (1, 33.3)
    assert (wo.tally.sent, wo.tally.responses, wo.tally.satisfied, wo.tally.csat) == (5, 3, 1, 33.3)
    assert (wo.reopened, wo.reopen_rate) == (1, 20.0)
    assert result["money"] == {"EUR": Decimal("40.00"), "USD": Decimal("15.00")}
    assert result["money_per_satisfied"] == {"EUR": Decimal("20.00"), "USD": Decimal("7.50")}

    kinds = {k["tally"].label: k for k in result["kinds"]}
    assert (kinds["Refund"]["tally"].sent, kinds["Refund"]["tally"].satisfied, kinds["Refund"]["reopen_rate"]) == (
        2,
        1,
        50.0,
    )
    assert kinds["Refund"]["money_per_satisfied"] == {"EUR": Decimal("40.00")}
    assert kinds["Credit"]["tally"].csat == 100.0 and kinds["Credit"]["money"] == {"USD": Decimal("15.00")}

    agents = {a["label"]: a for a in result["agents"]}
    ana = agents["Ana Silva"]
    assert (ana["with"].tally.csat, ana["without"].tally.csat) == (100.0, 50.0)
    assert (ana["with"].reopen_rate, ana["without"].reopen_rate) == (0.0, 50.0)
    assert ana["money"] == {"EUR": Decimal("30.00"), "USD": Decimal("15.00")}
    tomas = agents["Tomás Reis"]
    assert (tomas["with"].tally.csat, tomas["without"].tally.csat, tomas["with"].reopen_rate) == (0.0, 0.0, 100.0)
    assert tomas["money_per_satisfied"] == {"EUR": None}

    drilled = selectors.cohort(ALL, march, Filters(offscript="with", outcome="reopened"))
    assert list(drilled) == [c]
    assert selectors.summary(selectors.cohort(ALL, march, Filters(kind_id=credit.pk))).sent == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(outcome="responded"), 4),
        (Filters(outcome="unanswered"), 1),
        (Filters(outcome="satisfied"), 2),
        (Filters(outcome="unsatisfied"), 2),
        (Filters(outcome="low"), 1),
        (Filters(rating=5), 1),
        (Filters(low_reason="outcome"), 1),
        (Filters(low_reason="none"), 0),
        (Filters(channel="email"), 2),
    ],
)
def test_drilldown_filters(agent, support_queue, march, filters, expected):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5, channel="email")
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=4, channel="email")
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=3)
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=1, low_reason="outcome")
    make_survey(agent=agent, queue=support_queue, sent_at=at(2))
    assert selectors.cohort(ALL, march, filters).count() == expected
