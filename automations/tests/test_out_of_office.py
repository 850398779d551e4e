"""Out of office with dates and a deputy: away for routing, open tickets and pending approvals handed over
once at the start (one mechanism with approval delegation: agents.Delegation), availability back after."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from agents import services as agent_services
from agents.models import ActionStatus, Delegation, OffscriptAction
from agents.tasks import hand_over_due_delegations_task
from agents.tests.conftest import agent_policy, lead_policy, policies, staffed  # noqa: F401 (fixtures)
from automations import routing, services
from automations.models import AgentState
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)


def plan(person, deputy, *, start, days=5, by=None):
    return services.set_out_of_office(
        person=person, deputy=deputy, starts_at=start, ends_at=start + dt.timedelta(days=days), by=by or person
    )


def test_while_out_of_office_an_agent_is_away_for_routing_and_back_after(support_queue, agent, teammate):
    with freeze_time(MONDAY - dt.timedelta(days=1)):
        plan(agent, teammate, start=MONDAY)
        assert routing.availability_of(agent) == "available"
    with freeze_time(MONDAY + dt.timedelta(hours=1)):
        assert routing.availability_of(agent) == "away"
        for _ in range(3):
            assert routing.assign_round_robin(ticket=TicketFactory(queue=support_queue)) == teammate
    with freeze_time(MONDAY + dt.timedelta(days=6)):
        assert routing.availability_of(agent) == "available"
        chosen = {routing.assign_round_robin(ticket=TicketFactory(queue=support_queue)) for _ in range(2)}
        assert agent in chosen


def test_at_the_start_open_tickets_move_to_the_deputy_once_with_history(support_queue, agent, teammate, lead):
    open_ticket = TicketFactory(queue=support_queue, assignee=agent, status="open")
    pending = TicketFactory(queue=support_queue, assignee=agent, status="pending")
    solved = TicketFactory(queue=support_queue, assignee=agent, status="solved")
    with freeze_time(MONDAY - dt.timedelta(days=1)):
        plan(agent, teammate, start=MONDAY, by=lead)
        assert hand_over_due_delegations_task() == 0  # not yet
        assert Ticket.objects.get(pk=open_ticket.pk).assignee == agent
    with freeze_time(MONDAY + dt.timedelta(minutes=5)):
        assert hand_over_due_delegations_task() == 1
        assert hand_over_due_delegations_task() == 0  # claimed once
    assert {t.assignee for t in Ticket.objects.filter(pk__in=[open_ticket.pk, pending.pk])} == {teammate}
    assert Ticket.objects.get(pk=solved.pk).assignee == agent
    moves = TicketEvent.objects.filter(kind=EventKind.ASSIGNEE, ticket__in=[open_ticket, pending])
    assert moves.count() == 2
    for event in moves:
        assert (event.old_value, event.new_value, event.actor) == ("ana", "tomas", lead)
        assert event.data["why"] == "out_of_office"
    # Back: availability returns, the tickets stay with the deputy.
    with freeze_time(MONDAY + dt.timedelta(days=6)):
        assert routing.availability_of(agent) == "available"
    assert Ticket.objects.get(pk=open_ticket.pk).assignee == teammate


def test_tickets_the_deputy_may_not_take_stay(support_queue, agent, other_agent):
    ticket = TicketFactory(queue=support_queue, assignee=agent, status="open")
    plan(agent, other_agent, start=timezone.now() - dt.timedelta(minutes=1))
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_pending_approvals_move_with_the_same_mechanism(ticket, agent, teammate, staffed):  # noqa: F811
    lead, _manager = staffed
    action = agent_services.record_offscript_action(
        ticket=ticket, by=agent, kind="refund", amount="60.00", reason="Late"
    )
    assert action.approver == lead
    lead_ticket = TicketFactory(queue=ticket.queue, assignee=lead, status="open")
    with freeze_time(timezone.now() + dt.timedelta(days=1)):
        start = timezone.now()
    plan(lead, teammate, start=start)
    with freeze_time(start + dt.timedelta(minutes=1)):
        hand_over_due_delegations_task()
    assert OffscriptAction.objects.get(pk=action.pk, status=ActionStatus.PENDING).approver == teammate
    assert Ticket.objects.get(pk=lead_ticket.pk).assignee == teammate
    assert Delegation.objects.get(from_user=lead).handed_over_at is not None


def test_an_absence_that_already_started_hands_over_at_once(support_queue, agent, teammate):
    ticket = TicketFactory(queue=support_queue, assignee=agent, status="open")
    plan(agent, teammate, start=timezone.now() - dt.timedelta(hours=1))
    assert Ticket.objects.get(pk=ticket.pk).assignee == teammate


def test_marking_oneself_available_ends_the_absence_early(support_queue, agent, teammate):
    ticket = TicketFactory(queue=support_queue, assignee=agent, status="open")
    plan(agent, teammate, start=timezone.now() - dt.timedelta(hours=1))
    assert routing.availability_of(agent) == "away"
    routing.set_availability(user=agent, availability="available")
    assert routing.availability_of(agent) == "available"
    assert Ticket.objects.get(pk=ticket.pk).assignee == teammate


def test_the_hand_over_is_listed_with_the_periodic_jobs():
    from helpdesk.celery import PERIODIC_TASKS

    assert "agents.hand_over_due_delegations" in {task for task, _s in PERIODIC_TASKS.values()}


# --- the API ---------------------------------------------------------------------------------


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_plans_shows_and_calls_off_an_absence(agent, teammate):
    api = api_for(agent)
    start = timezone.now() + dt.timedelta(days=2)
    body = {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(days=3)).isoformat(), "deputy": "tomas"}
    response = api.patch("/api/me/", {"out_of_office": body}, format="json")
    assert response.status_code == 200
    assert response.json()["out_of_office"]["deputy"] == "tomas"
    assert response.json()["availability"] == "available"  # not yet
    assert api.patch("/api/me/", {"out_of_office": None}, format="json").json()["out_of_office"] is None
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"deputy": "nobody"}, "out_of_office.deputy"),
        ({"deputy": "ana"}, "out_of_office.deputy"),
        ({"ends_at": "2020-01-01T00:00:00Z"}, "out_of_office.ends_at"),
        ({"starts_at": "soon"}, "out_of_office"),
    ],
)
def test_a_bad_absence_is_a_400_naming_the_field(agent, teammate, change, field):
    start = timezone.now() + dt.timedelta(days=2)
    body = {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(days=3)).isoformat(), "deputy": "tomas"}
    response = api_for(agent).patch("/api/me/", {"out_of_office": {**body, **change}}, format="json")
    assert response.status_code == 400
    assert field in response.content.decode()


# --- the page and the top bar ------------------------------------------------------------------


def away_form(deputy, start, days=3):
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "starts_at": start.strftime(fmt),
        "ends_at": (start + dt.timedelta(days=days)).strftime(fmt),
        "deputy": deputy.pk,
    }


def test_an_agent_plans_their_own_absence_on_the_page(client, agent, teammate):
    client.force_login(agent)
    assert client.get("/automations/me/away/").status_code == 200
    response = client.post("/automations/me/away/", away_form(teammate, timezone.now() + dt.timedelta(days=1)))
    assert response.status_code == 302
    assert Delegation.objects.get(from_user=agent).to_user == teammate
    assert client.post(f"/automations/me/away/{agent.pk}/cancel/").status_code == 302
    assert not Delegation.objects.exists()


def test_a_bad_absence_on_the_page_shows_the_error(client, agent, teammate):
    client.force_login(agent)
    data = away_form(teammate, timezone.now() - dt.timedelta(days=5), days=1)
    response = client.post("/automations/me/away/", data)
    assert response.status_code == 400 and "already be over" in response.content.decode()


def test_a_lead_plans_an_absence_for_an_agent_of_their_department(client, lead, agent, teammate, other_agent):
    client.force_login(lead)
    url = f"/automations/me/away/{agent.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, away_form(teammate, timezone.now() + dt.timedelta(days=1))).status_code == 302
    assert Delegation.objects.get(from_user=agent).created_by == lead
    assert client.get(f"/automations/me/away/{other_agent.pk}/").status_code == 404


def test_an_agent_may_not_plan_a_teammates_absence(client, agent, teammate):
    client.force_login(agent)
    assert client.get(f"/automations/me/away/{teammate.pk}/").status_code == 404
    assert client.post(f"/automations/me/away/{teammate.pk}/cancel/").status_code == 404
    assert client.get("/automations/me/away/abc/").status_code == 404


def test_the_top_bar_switches_availability_in_one_click(client, agent):
    client.force_login(agent)
    page = client.get("/").content.decode()
    assert 'id="availability-switch"' in page and "Available" in page
    response = client.post("/automations/me/availability/", {"availability": "away"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "Away" in response.content.decode()
    assert AgentState.objects.get(user=agent).availability == "away"
    assert "Away" in client.get("/").content.decode()
    client.post("/automations/me/availability/")  # no value: toggles back
    assert AgentState.objects.get(user=agent).availability == "available"
    assert client.get("/automations/me/availability/").status_code == 405


def test_the_switch_is_for_agents_and_leads_only(client, manager):
    client.force_login(manager)
    assert 'id="availability-switch"' not in client.get("/").content.decode()
    assert client.post("/automations/me/availability/", {"availability": "away"}).status_code == 403


def test_the_top_bar_shows_an_absence(client, agent, teammate):
    plan(agent, teammate, start=timezone.now() - dt.timedelta(hours=1))
    client.force_login(agent)
    assert "Out of office until" in client.get("/").content.decode()
