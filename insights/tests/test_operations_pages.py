"""The operational report's pages: numbers a lead can trust, drill-down, CSV, scorecard, and who may see them."""

import csv
import io

import pytest

from insights.models import TicketStats
from tickets import services
from tickets.models import Status


@pytest.fixture
def worked(agent, other_agent, support_queue, billing_queue):
    for n, (who, queue) in enumerate([(agent, support_queue)] * 3 + [(other_agent, billing_queue)] * 2):
        ticket = services.create_ticket(
            subject=f"Case {n}", body="?", customer_email=f"w{n}@example.com", queue=queue, by=None
        )
        services.assign_ticket(ticket=ticket, assignee=who, by=who)
        services.add_message(ticket=ticket, by=who, body="Answer")
        if n % 2 == 0:
            services.change_status(ticket=ticket, status=Status.SOLVED, by=who)


def test_the_lead_sees_their_teams_numbers_and_can_drill_down(client, lead, worked):
    client.force_login(lead)
    page = client.get("/insights/operations/", {"period": "this_month"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="ops-created"' in html and 'data-testid="ops-heatmap"' in html
    body = page.context["report"]
    # Support only: three created, two solved (tickets 0 and 2).
    assert (body["summary"].created, body["summary"].solved) == (3, 2)
    drill = client.get("/insights/operations/tickets/", {"period": "this_month", "cohort": "solved"})
    assert drill.status_code == 200
    assert len(drill.context["page"].object_list) == 2
    assert all(t.queue.department.slug == "support" for t in drill.context["page"].object_list)


def test_the_csv_holds_what_the_page_shows(client, manager, worked):
    client.force_login(manager)
    response = client.get("/insights/operations/export.csv", {"period": "this_month"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    period = next(r for r in rows if r["section"] == "period")
    assert (period["created"], period["solved"]) == ("5", "3")
    assert {r["section"] for r in rows} >= {"by_agent", "by_team", "trend", "backlog"}


def test_agents_get_their_own_scorecard_but_not_the_report(client, agent, teammate, worked):
    client.force_login(agent)
    assert client.get("/insights/operations/").status_code == 403
    own = client.get("/insights/scorecard/", {"period": "this_month"})
    assert own.status_code == 200
    assert own.context["rows"][0]["ops"].solved == 2
    assert client.get(f"/insights/scorecard/{teammate.pk}/").status_code in (403, 404)


def test_a_lead_cannot_open_another_departments_agent(client, lead, other_agent, agent, worked):
    client.force_login(lead)
    assert client.get(f"/insights/scorecard/{agent.pk}/").status_code == 200
    assert client.get(f"/insights/scorecard/{other_agent.pk}/").status_code == 404


def test_a_bad_period_is_a_400_with_the_reason(client, manager):
    client.force_login(manager)
    response = client.get("/insights/operations/", {"period": "custom", "since": "2026-03-09", "until": "2026-03-01"})
    assert response.status_code == 400
    assert response.context["invalid"]


def test_stats_rows_exist_for_every_ticket_changed_through_services(worked):
    from tickets.models import Ticket

    assert TicketStats.objects.count() == Ticket.objects.count() == 5
