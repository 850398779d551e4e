"""Every agent's own page: their CSAT against their own earlier periods, surveys, kudos and off-script actions."""

import pytest
from django.urls import reverse

from insights.tests.conftest import at
from insights.tests.factories import make_action, make_kind, make_survey

MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}


@pytest.fixture
def mine(agent, teammate, support_queue):
    make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5, comment="Ana was wonderful")
    refunded = make_survey(agent=agent, queue=support_queue, sent_at=at(3), rating=2, comment="Still broken")
    make_action(ticket=refunded.ticket, agent=agent, kind=make_kind(), amount="12.00", created_at=at(2, 18))
    make_survey(agent=agent, queue=support_queue, sent_at=at(4))
    make_survey(agent=agent, queue=support_queue, sent_at=at(10, month=2), rating=4)  # the previous period
    make_survey(agent=agent, queue=support_queue, sent_at=at(12, month=1), rating=1)  # earlier still
    make_survey(agent=teammate, queue=support_queue, sent_at=at(2), rating=1, comment="Tomás forgot me")


def test_an_agent_sees_their_own_figures_and_their_earlier_periods(client, agent, mine):
    client.force_login(agent)
    response = client.get(reverse("insights:me"), MARCH)
    assert response.status_code == 200
    report = response.context["report"]
    s, p = report["summary"], report["previous"]
    assert (s.sent, s.responses, s.satisfied, s.csat) == (3, 2, 1, 50.0)
    assert (p.sent, p.csat) == (1, 100.0)  # 29 Jan – 28 Feb
    months = {t.key: (t.sent, t.csat) for t in report["trend"] if t.sent}
    assert months == {"2026-01-01": (1, 0.0), "2026-02-01": (1, 100.0), "2026-03-01": (3, 50.0)}
    assert len(report["trend"]) == 12 and report["trend"][0].key == "2025-04-01"
    html = response.content.decode()
    assert "Ana was wonderful" in html and "Still broken" in html
    assert "Tomás forgot me" not in html  # a colleague's survey is not on her page
    assert "(−50.0 points)" in html


def test_it_never_ranks_the_agent_against_colleagues(client, agent, mine):
    client.force_login(agent)
    html = client.get(reverse("insights:me"), MARCH).content.decode()
    assert "Tomás" not in html.split('id="main"')[1]


def test_an_agent_cannot_see_a_colleagues_page_by_changing_the_url(client, teammate, agent, mine):
    client.force_login(teammate)
    response = client.get(reverse("insights:me"), {**MARCH, "agent": agent.pk})
    assert response.context["report"]["summary"].sent == 1  # still only Tomás's own
    assert "Ana was wonderful" not in response.content.decode()


def test_their_off_script_actions_with_how_the_customer_answered(client, agent, mine):
    client.force_login(agent)
    response = client.get(reverse("insights:me"), MARCH)
    [action] = response.context["actions"]
    assert (action.survey_rating, action.survey_comment) == (2, "Still broken")
    side = response.context["report"]["offscript"]
    assert (side["with"].tally.csat, side["without"].tally.csat) == (0.0, 100.0)
    assert "12.00 EUR" in response.content.decode()


def test_the_kudos_they_received_in_the_period(client, agent, teammate, mine, settings):
    from django.utils import timezone

    from recognition.services import give_kudos

    give_kudos(giver=teammate, recipient=agent, message="Covered my shift on Friday")
    client.force_login(agent)
    today = timezone.localdate().isoformat()
    response = client.get(reverse("insights:me"), {"period": "custom", "since": today, "until": today})
    assert "Covered my shift on Friday" in response.content.decode()
    assert "Covered my shift" not in client.get(reverse("insights:me"), MARCH).content.decode()


def test_customers_and_outsiders_cannot_have_the_page(client, db):
    from tickets.tests.factories import UserFactory

    nobody = UserFactory(username="visitor", role=None)
    client.force_login(nobody)
    assert client.get(reverse("insights:me")).status_code == 403


def test_the_page_query_count_is_pinned(client, agent, mine, django_assert_max_num_queries):
    client.force_login(agent)
    # 17 reads with a cold cache (the top bar's availability switch reads 3, then caches them for 60 s);
    # on PostgreSQL 3 more (a savepoint, SET LOCAL jit = off, its release)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("insights:me"), MARCH)
    assert response.status_code == 200
