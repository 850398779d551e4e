"""The dashboard's figures are cached, yet always equal a plain recomputation from the surveys: new
answers, newly sent surveys, off-script actions and reopenings show on the next view."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from feedback.models import SATISFIED_RATINGS, Survey
from feedback.services import record_answer
from insights.tests.conftest import at
from insights.tests.factories import make_action, make_kind, make_survey, reopen

MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}


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


def shown(client) -> dict:
    report = client.get(reverse("insights:dashboard"), MARCH).context["report"]
    s = report["summary"]
    return {
        "summary": {"sent": s.sent, "responses": s.responses, "satisfied": s.satisfied, "ratings": s.ratings},
        "by_agent": {t.key: t.responses for t in report["by"]["agent"]},
        "with_offscript": report["offscript"]["with"].tally.sent,
        "reopened_with": report["offscript"]["with"].reopened,
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
