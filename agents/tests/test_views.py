"""HTML pages: the panel on the ticket, recording from it, the approval queue, the audit and its CSV."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from agents import services, views
from agents.models import ActionStatus, OffscriptAction
from agents.tests.factories import kind
from tickets import hooks
from tickets.tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


def record(ticket, by, amount="60.00"):
    return services.record_offscript_action(ticket=ticket, by=by, kind="refund", amount=amount, reason="Late again")


def panel_html(user, ticket) -> str:
    request = RequestFactory().get("/")
    request.user = user
    panel = next(p(request, ticket) for p in hooks.ticket_panels if p is views.discretion_panel)
    return render_to_string(panel["template"], {**panel["context"], "request": request}, request=request)


# --- the panel --------------------------------------------------------------------------------


def test_the_panel_is_registered_and_shows_what_is_left(ticket, agent, staffed):
    assert views.discretion_panel in hooks.ticket_panels
    record(ticket, agent, "30.00")
    html = panel_html(agent, ticket)
    assert "Your latitude" in html
    assert 'data-left="170.00"' in html  # 200 a month minus 30
    assert "Record action" in html


def test_the_panel_shows_a_pending_request_and_that_it_blocks_closing(ticket, agent, staffed):
    record(ticket, agent, "60.00")
    html = panel_html(agent, ticket)
    assert "Waiting for approval" in html and "cannot be closed" in html and "Withdraw" in html


def test_the_panel_is_not_offered_to_non_staff(ticket):
    request = RequestFactory().get("/")
    request.user = User.objects.create_user("visitor")
    assert views.discretion_panel(request, ticket) is None


# --- recording from the ticket ----------------------------------------------------------------


def test_recording_within_limits_from_the_panel(client, ticket, agent, staffed):
    client.force_login(agent)
    url = reverse("agents:record", args=[ticket.pk])
    response = client.post(url, {"kind": kind("refund").pk, "amount": "25", "reason": "Late"})
    assert response.status_code == 302 and response.url == reverse("tickets:detail", args=[ticket.pk])
    assert OffscriptAction.objects.get().status == ActionStatus.APPROVED


def test_recording_with_htmx_returns_the_updated_panel(client, ticket, agent, staffed):
    client.force_login(agent)
    url = reverse("agents:record", args=[ticket.pk])
    response = client.post(url, {"kind": kind("refund").pk, "amount": "60", "reason": "Late"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "needs approval" in html and "Waiting for approval" in html


def test_bad_input_without_htmx_redirects_with_the_error(client, ticket, agent, staffed):
    client.force_login(agent)
    url = reverse("agents:record", args=[ticket.pk])
    response = client.post(url, {"kind": kind("refund").pk, "amount": "1.001", "reason": "x"}, follow=True)
    assert "at most two decimal places" in response.content.decode()
    assert not OffscriptAction.objects.exists()


def test_bad_input_in_the_panel_shows_the_error_and_saves_nothing(client, ticket, agent, staffed):
    client.force_login(agent)
    url = reverse("agents:record", args=[ticket.pk])
    response = client.post(url, {"kind": kind("refund").pk, "amount": "-3", "reason": "x"}, HTTP_HX_REQUEST="true")
    # htmx swaps only 2xx responses: the panel comes back with the error next to the field.
    html = response.content.decode()
    assert response.status_code == 200 and "more than zero" in html and "is-invalid" in html
    assert not OffscriptAction.objects.exists()


def test_recording_refuses_get(client, ticket, agent, staffed):
    client.force_login(agent)
    assert client.get(reverse("agents:record", args=[ticket.pk])).status_code == 405


def test_recording_on_a_ticket_of_another_department_is_404(client, agent, staffed, billing_queue):
    hidden = TicketFactory(queue=billing_queue, customer=CustomerFactory(), status="open")
    client.force_login(agent)
    url = reverse("agents:record", args=[hidden.pk])
    assert client.post(url, {"kind": kind("refund").pk, "amount": "5", "reason": "x"}).status_code == 404


def test_recording_by_a_non_staff_user_is_refused(client, ticket, staffed):
    client.force_login(User.objects.create_user("visitor"))
    url = reverse("agents:record", args=[ticket.pk])
    assert client.post(url, {"kind": kind("refund").pk, "amount": "5", "reason": "x"}).status_code == 404


# --- the approval queue -----------------------------------------------------------------------


def test_the_lead_sees_the_request_and_the_notification(client, ticket, agent, staffed):
    record(ticket, agent)
    client.force_login(staffed[0])
    html = client.get(reverse("agents:approvals")).content.decode()
    assert ticket.reference in html and "60.00 EUR" in html and "Late again" in html
    assert "asks to approve" in html  # the in-app notification


def test_the_queue_page_has_a_fixed_number_of_queries(client, ticket, agent, staffed, django_assert_max_num_queries):
    for _ in range(6):
        record(ticket, agent)
    client.force_login(staffed[1])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("agents:approvals")).status_code == 200


def test_an_agent_cannot_open_the_queue(client, agent, staffed):
    client.force_login(agent)
    assert client.get(reverse("agents:approvals")).status_code == 403


def test_approving_from_the_queue(client, ticket, agent, staffed):
    action = record(ticket, agent)
    client.force_login(staffed[0])
    response = client.post(reverse("agents:approve", args=[action.pk]), {"note": "Fine"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.APPROVED and action.decision_note == "Fine"


def test_approving_with_htmx_returns_the_decided_row(client, ticket, agent, staffed):
    action = record(ticket, agent)
    client.force_login(staffed[0])
    response = client.post(reverse("agents:approve", args=[action.pk]), {"note": "Fine"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-status="approved"' in html and "Lena" in html


def test_approving_twice_from_the_queue_shows_the_error(client, ticket, agent, staffed):
    action = record(ticket, agent)
    services.approve_offscript_action(action=action, by=staffed[1])
    client.force_login(staffed[0])
    response = client.post(reverse("agents:approve", args=[action.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "already approved" in response.content.decode()
    assert 'data-status="approved"' in response.content.decode()


def test_approve_refuses_get(client, ticket, agent, staffed):
    action = record(ticket, agent)
    client.force_login(staffed[0])
    assert client.get(reverse("agents:approve", args=[action.pk])).status_code == 405


def test_an_agent_cannot_approve_a_teammates_request(client, ticket, agent, teammate, staffed):
    action = record(ticket, agent)
    client.force_login(teammate)
    # A teammate does not even see it.
    assert client.post(reverse("agents:approve", args=[action.pk])).status_code == 404


def test_the_requester_cannot_approve_their_own(client, ticket, agent, staffed):
    action = record(ticket, agent)
    client.force_login(agent)
    assert client.post(reverse("agents:approve", args=[action.pk])).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING


def test_a_lead_cannot_approve_above_the_threshold_from_the_queue(client, ticket, agent, staffed):
    action = record(ticket, agent, "160.00")
    client.force_login(staffed[0])
    assert client.post(reverse("agents:approve", args=[action.pk])).status_code == 403


def test_rejecting_from_the_queue_without_a_note_says_so(client, ticket, agent, staffed):
    action = record(ticket, agent)
    client.force_login(staffed[0])
    response = client.post(reverse("agents:reject", args=[action.pk]), {"note": ""}, follow=True)
    assert "Say why" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING


def test_withdrawing_from_the_ticket(client, ticket, agent, teammate, staffed):
    action = record(ticket, agent)
    client.force_login(teammate)
    assert client.post(reverse("agents:cancel", args=[action.pk])).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("agents:cancel", args=[action.pk])).status_code == 405
    assert client.post(reverse("agents:cancel", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED


def test_delegating_from_the_queue_page(client, lead, teammate, staffed):
    client.force_login(lead)
    data = {"to_user": teammate.pk, "starts_at": "2020-01-01T09:00", "ends_at": "2099-01-01T09:00"}
    assert client.get(reverse("agents:delegate")).status_code == 405
    assert client.post(reverse("agents:delegate"), data).status_code == 302
    assert lead.delegations_given.get().to_user == teammate
    # The delegate now has the approvals page.
    client.force_login(teammate)
    assert client.get(reverse("agents:approvals")).status_code == 200


def test_an_agent_cannot_delegate(client, agent, teammate, staffed):
    client.force_login(agent)
    data = {"to_user": teammate.pk, "starts_at": "2020-01-01T09:00", "ends_at": "2099-01-01T09:00"}
    assert client.post(reverse("agents:delegate"), data).status_code == 403


def test_marking_notifications_read(client, ticket, agent, staffed):
    record(ticket, agent)
    client.force_login(staffed[0])
    assert client.get(reverse("agents:mark_read")).status_code == 405
    client.post(reverse("agents:mark_read"))
    assert "No unread notifications" in client.get(reverse("agents:approvals")).content.decode()


def test_navigation_shows_approvals_with_a_count_for_leads_only(client, ticket, agent, staffed):
    record(ticket, agent)
    request = RequestFactory().get("/")
    request.user = staffed[0]
    items = {item["label"]: item for item in views.nav_items(request)}
    assert items["Approvals"]["count"] == 1 and "Off-script audit" in items
    request.user = agent
    assert views.nav_items(request) == []


# --- the audit --------------------------------------------------------------------------------


@pytest.fixture
def history(ticket, agent, teammate, staffed):
    approved = record(ticket, agent, "10.00")
    pending = record(ticket, teammate, "70.00")
    rejected = services.reject_offscript_action(action=record(ticket, agent, "80.00"), by=staffed[0], note="No")
    return approved, pending, rejected


def test_the_audit_lists_every_action(client, history, staffed):
    client.force_login(staffed[1])
    html = client.get(reverse("agents:audit")).content.decode()
    assert html.count('class="audit-row"') == 3 and "within latitude" in html


def test_the_audit_filters_by_agent_kind_status_and_period(client, history, agent, staffed):
    client.force_login(staffed[1])
    url = reverse("agents:audit")
    assert client.get(url, {"agent": agent.pk}).content.decode().count('class="audit-row"') == 2
    assert client.get(url, {"status": "pending"}).content.decode().count('class="audit-row"') == 1
    assert client.get(url, {"kind": kind("goodwill").pk}).content.decode().count('class="audit-row"') == 0
    assert (
        client.get(url, {"since": "2000-01-01", "until": "2000-01-31"}).content.decode().count('class="audit-row"') == 0
    )


def test_a_bad_filter_shows_an_error_not_a_500(client, history, staffed):
    client.force_login(staffed[1])
    response = client.get(reverse("agents:audit"), {"since": "yesterday", "status": "weird"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()


def test_the_audit_exports_csv(client, history, staffed):
    client.force_login(staffed[1])
    response = client.get(reverse("agents:audit"), {"status": "approved", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["amount"] == "10.00" and rows[0]["agent"] == "ana" and rows[0]["policy"] == "Agents"


def test_csv_cells_cannot_become_formulas(client, ticket, agent, staffed):
    services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="5", reason="=HYPERLINK(1)")
    client.force_login(staffed[1])
    response = client.get(reverse("agents:audit"), {"export": "csv"})
    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode()


def test_the_audit_page_has_a_fixed_number_of_queries(client, history, staffed, django_assert_max_num_queries):
    client.force_login(staffed[1])
    with django_assert_max_num_queries(14):
        client.get(reverse("agents:audit"))


def test_agents_cannot_open_the_audit(client, agent, staffed):
    client.force_login(agent)
    assert client.get(reverse("agents:audit")).status_code == 403


def test_a_lead_audits_only_their_department(client, history, billing_queue, other_agent, staffed):
    billing_ticket = TicketFactory(queue=billing_queue, assignee=other_agent, status="open")
    record(billing_ticket, other_agent, "5.00")
    client.force_login(staffed[0])
    assert client.get(reverse("agents:audit")).content.decode().count('class="audit-row"') == 3


def test_the_admin_pages_open(client, admin_user, history):
    client.force_login(admin_user)
    for name in ("offscriptkind", "discretionpolicy", "offscriptaction", "delegation"):
        assert client.get(reverse(f"admin:agents_{name}_changelist")).status_code == 200
    policy = history[0].limits_snapshot["policy_id"]
    assert client.get(reverse("admin:agents_discretionpolicy_change", args=[policy])).status_code == 200
