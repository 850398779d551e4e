"""The manager's dashboard, its drill-down list and its CSV: who may see them, what they show, how many queries."""

import csv
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time

from insights.tests.conftest import at
from insights.tests.factories import make_action, make_kind, make_survey, reopen
from tickets.tests.factories import UserFactory

MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}


@pytest.fixture
def data(agent, teammate, other_agent, support_queue, billing_queue):
    a = make_survey(agent=agent, queue=support_queue, sent_at=at(2), rating=5, comment="Lovely")
    make_action(ticket=a.ticket, agent=agent, kind=make_kind(), amount="25.00")
    make_survey(
        agent=agent, queue=support_queue, sent_at=at(3), rating=1, comment="=cmd|' /C calc'!A0", low_reason="wait"
    )
    b = make_survey(agent=teammate, queue=support_queue, sent_at=at(4), rating=4)
    reopen(b.ticket, at(5))
    make_survey(agent=teammate, queue=support_queue, sent_at=at(4))
    make_survey(agent=other_agent, queue=billing_queue, sent_at=at(4), rating=2, comment="Billing was rude")
    make_survey(agent=agent, queue=support_queue, sent_at=at(15, month=2), rating=3)  # previous period


def test_an_agent_gets_403_on_the_dashboard_its_list_and_its_csv(client, agent):
    client.force_login(agent)
    for name in ("dashboard", "surveys", "export"):
        assert client.get(reverse(f"insights:{name}")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pages_refuse_post(client, manager):
    client.force_login(manager)
    for name in ("dashboard", "surveys", "export", "me"):
        assert client.post(reverse(f"insights:{name}")).status_code == 405


def test_the_manager_sees_figures_the_previous_period_and_the_warning(client, manager, data):
    client.force_login(manager)
    response = client.get(reverse("insights:dashboard"), MARCH)
    assert response.status_code == 200
    s, p = response.context["report"]["summary"], response.context["report"]["previous"]
    assert (s.sent, s.responses, s.satisfied, s.csat) == (5, 4, 2, 50.0)
    assert (p.sent, p.responses, p.csat) == (1, 1, 0.0)
    html = response.content.decode()
    assert "Not enough responses to judge." in html  # 4 < 30
    assert "95 % confidence: 15.0–85.0 %" in html  # Wilson for 2 of 4
    assert "Lovely" in html and "Billing was rude" in html
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert html.count("<canvas") == 4 and html.count('id="chart-data"') == 1
    assert "(+50.0 points)" in html  # against the previous period: 0 % then, 50 % now


def test_the_warning_goes_once_there_are_enough_responses(client, manager, data, settings):
    settings.INSIGHTS_MIN_RESPONSES = 4
    client.force_login(manager)
    html = client.get(reverse("insights:dashboard"), MARCH).content.decode()
    assert "Not enough responses to judge." not in html


def test_no_responses_show_a_dash_not_zero(client, manager, agent, support_queue):
    make_survey(agent=agent, queue=support_queue, sent_at=at(3))
    client.force_login(manager)
    response = client.get(reverse("insights:dashboard"), MARCH)
    assert response.status_code == 200
    assert response.context["report"]["summary"].csat is None
    assert 'data-testid="csat">—<' in response.content.decode()


def test_a_lead_sees_only_the_team_they_lead(client, lead, data):
    client.force_login(lead)
    report = client.get(reverse("insights:dashboard"), MARCH).context["report"]
    assert [t.label for t in report["by"]["team"]] == ["Support"]
    assert report["summary"].sent == 4
    html = client.get(reverse("insights:dashboard"), MARCH).content.decode()
    assert "Billing was rude" not in html


def test_a_lead_cannot_pick_another_team(client, lead, data, billing):
    client.force_login(lead)
    response = client.get(reverse("insights:dashboard"), {**MARCH, "team": billing.pk})
    assert response.status_code == 400


def test_a_manager_narrows_to_one_of_their_teams(client, manager, data, billing):
    client.force_login(manager)
    report = client.get(reverse("insights:dashboard"), {**MARCH, "team": billing.pk}).context["report"]
    assert report["summary"].sent == 1


def test_a_manager_without_departments_sees_nothing_and_is_told_why(client, data):
    someone = UserFactory(username="maria", role="manager")
    client.force_login(someone)
    response = client.get(reverse("insights:dashboard"), MARCH)
    assert response.status_code == 200
    assert "You do not lead or manage a department yet" in response.content.decode()


def test_an_admin_sees_everything(client, admin_user, data):
    client.force_login(admin_user)
    report = client.get(reverse("insights:dashboard"), MARCH).context["report"]
    assert report["summary"].sent == 5


def test_a_bad_period_is_a_400_with_the_message(client, manager):
    client.force_login(manager)
    response = client.get(
        reverse("insights:dashboard"), {"period": "custom", "since": "2026-03-10", "until": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()
    assert client.get(reverse("insights:dashboard"), {"period": "decade"}).status_code == 400
    assert client.get(reverse("insights:dashboard"), {"since": "not-a-date"}).status_code == 400


def test_every_number_links_to_the_surveys_behind_it(client, manager, data, agent):
    client.force_login(manager)
    html = client.get(reverse("insights:dashboard"), MARCH).content.decode()
    assert "/insights/surveys/?period=custom&amp;since=2026-03-01&amp;until=2026-03-31&amp;outcome=satisfied" in html
    assert f"agent={agent.pk}&amp;outcome=responded" in html
    assert "offscript=with&amp;outcome=reopened" in html
    assert "since=2026-01-29&amp;until=2026-02-28" in html  # the previous period's numbers too

    response = client.get(reverse("insights:surveys"), {**MARCH, "agent": agent.pk, "outcome": "responded"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == 2 and {s.agent_id for s in rows} == {agent.pk}
    text = response.content.decode()
    assert "Agent: Ana Silva" in text and "Answered" in text
    assert f'href="/tickets/{rows[0].ticket_id}/"' in text


def test_the_drilldown_keeps_the_viewers_scope(client, lead, data, other_agent):
    client.force_login(lead)
    response = client.get(reverse("insights:surveys"), {**MARCH, "agent": other_agent.pk})
    assert response.status_code == 200 and list(response.context["page"]) == []


def test_the_csv_holds_what_is_on_screen_and_defuses_formulas(client, manager, data):
    client.force_login(manager)
    response = client.get(reverse("insights:export"), MARCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="csat-2026-03-01-2026-03-31.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    period = next(r for r in rows if r["section"] == "period")
    assert (period["sent"], period["responses"], period["satisfied"]) == ("5", "4", "2")
    # One scale, named in the header: percentages, as on screen (CSAT 50 %, response rate 80 %).
    assert (period["csat_percent"], period["response_rate_percent"]) == ("50.0", "80.0")
    assert (period["csat_95_low_percent"], period["csat_95_high_percent"]) == ("15.0", "85.0")
    assert "response_rate" not in period and "csat" not in period
    assert {r["label"] for r in rows if r["section"] == "by_agent"} == {"Ana Silva", "Tomás Reis", "Bruno Lima"}
    assert {r["section"] for r in rows} >= {"previous_period", "by_team", "by_queue", "by_channel", "trend",
                                             "low_reason", "offscript_with", "offscript_without", "offscript_kind",
                                             "worst_comment", "best_comment"}  # fmt: skip
    with_os = next(r for r in rows if r["section"] == "offscript_with")
    assert with_os["money_spent"] == "25.00 EUR" and with_os["money_per_satisfied"] == "25.00 EUR"
    comment = next(r for r in rows if r["comment"].endswith("calc'!A0"))
    assert comment["comment"].startswith("'=")


@pytest.mark.parametrize("agents", [2, 8])
def test_the_dashboard_query_count_does_not_grow_with_the_data(
    client, manager, support_queue, django_assert_max_num_queries, agents
):
    kind = make_kind()
    for i in range(agents):
        who = UserFactory(username=f"agent{i}", role="agent", department=support_queue.department)
        for day in (2, 9, 20):
            s = make_survey(agent=who, queue=support_queue, sent_at=at(day), rating=(i + day) % 5 + 1, comment="x")
            make_action(ticket=s.ticket, agent=who, kind=kind)
            reopen(s.ticket, at(day + 1))
    client.force_login(manager)
    # session, user, profile, roles, scope; 2 summaries, 4 breakdowns (+3 label look-ups), trend, 2 comment
    # lists, reasons, off-script (4 + names), departments for the team picker, other apps' nav items; on
    # PostgreSQL 3 more (a savepoint, SET LOCAL jit = off, its release)
    with django_assert_max_num_queries(31):
        response = client.get(reverse("insights:dashboard"), MARCH)
    assert response.status_code == 200


def test_the_drilldown_list_query_count_is_pinned(client, manager, agent, support_queue, django_assert_max_num_queries):
    for day in range(1, 29):
        make_survey(agent=agent, queue=support_queue, sent_at=at(day), rating=day % 5 + 1)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("insights:surveys"), MARCH)
    assert len(response.context["page"]) == 28


def test_the_nav_offers_the_dashboard_to_leads_and_my_page_to_staff(client, agent, lead):
    client.force_login(agent)
    html = client.get(reverse("insights:me")).content.decode()
    assert 'href="/insights/me/"' in html and 'href="/insights/"' not in html
    client.force_login(lead)
    html = client.get(reverse("insights:me")).content.decode()
    assert 'href="/insights/"' in html


def test_the_csv_link_keeps_the_trend_granularity_on_screen(client, manager, data):
    client.force_login(manager)
    html = client.get(reverse("insights:dashboard"), {**MARCH, "granularity": "week"}).content.decode()
    assert "/insights/export.csv?period=custom&amp;since=2026-03-01&amp;until=2026-03-31&amp;granularity=week" in html
    response = client.get(reverse("insights:export"), {**MARCH, "granularity": "week"})
    trend = [r["key"] for r in csv.DictReader(io.StringIO(response.content.decode())) if r["section"] == "trend"]
    assert trend == ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]


@freeze_time("2026-04-15 12:00:00")
def test_each_period_option_carries_its_dates_so_from_and_to_follow_the_picker(client, manager):
    client.force_login(manager)
    html = client.get(reverse("insights:dashboard")).content.decode()
    assert '<option value="this_week" data-since="2026-04-13" data-until="2026-04-15"' in html
    assert '<option value="last_month" data-since="2026-03-01" data-until="2026-03-31"' in html
    assert "js/period-picker.js" in html and "onchange" not in html.split('id="id_period"')[1][:200]
