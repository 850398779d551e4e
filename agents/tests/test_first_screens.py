"""A lead's first screen and menu: requests that wait are where she lands, and the menu's count follows an
htmx decision without a page load."""

import pytest
from django.urls import reverse

from agents import services

pytestmark = pytest.mark.django_db


def waiting_request(ticket, agent):
    return services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="60.00", reason="Broken")


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": "pw"}, follow=True)


@pytest.fixture
def passwords(agent, staffed):
    for user in (agent, *staffed):
        user.set_password("pw")
        user.save()


def test_a_lead_with_requests_waiting_lands_on_the_approvals(client, ticket, agent, staffed, passwords):
    waiting_request(ticket, agent)
    response = sign_in(client, "lena")
    assert response.redirect_chain[-1][0] == reverse("agents:approvals")


def test_a_lead_with_nothing_to_approve_lands_on_the_team_inbox(client, ticket, staffed, passwords):
    response = sign_in(client, "lena")
    assert response.redirect_chain[-1][0] == reverse("tickets:inbox")
    assert response.context["filters"].view == "department"
    assert ticket.reference in response.content.decode()  # ana's ticket: the team's, not lena's own


def test_an_agent_lands_on_her_own_tickets(client, ticket, agent, staffed, passwords):
    waiting_request(ticket, agent)
    response = sign_in(client, "ana")
    assert response.redirect_chain[-1][0] == reverse("tickets:inbox")
    assert response.context["filters"].view == "mine"


def test_the_menu_count_follows_an_htmx_decision(client, ticket, agent, staffed):
    action = waiting_request(ticket, agent)
    client.force_login(staffed[0])
    page = client.get(reverse("agents:approvals")).content.decode()
    assert 'hx-trigger="latitude:changed from:body"' in page and f'hx-get="{reverse("tickets:nav")}"' in page
    assert 'data-nav-count="approvals">1<' in page
    answer = client.post(reverse("agents:approve", args=[action.pk]), {"note": "Fair"}, HTTP_HX_REQUEST="true")
    assert "latitude:changed" in answer["HX-Trigger"]
    menu = client.get(
        reverse("tickets:nav"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/discretion/approvals/"
    ).content.decode()
    assert 'data-nav-count="approvals"' not in menu and "Approvals" in menu
    assert 'aria-current="page">Approvals' in menu  # still marks the page she is on
