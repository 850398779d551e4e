"""Deciding a request: who may, when, and what happens to the budget and the requester."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents import selectors, services
from agents.models import ActionStatus
from agents.tests.factories import kind
from helpdesk.errors import Conflict, DomainError
from mailroom.models import OutboundEmail
from notices.models import Notice
from notices.selectors import render
from tickets.models import EventKind, TicketEvent
from tickets.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request(ticket, by, amount="60.00"):
    return services.record_offscript_action(ticket=ticket, by=by, kind="refund", amount=amount, reason="Broken twice")


def test_a_lead_approves_below_the_manager_threshold(ticket, agent, staffed):
    lead, _ = staffed
    action = services.approve_offscript_action(action=request(ticket, agent), by=lead, note="Fair")
    assert action.status == ActionStatus.APPROVED
    assert action.decided_by == lead and action.decision_note == "Fair" and action.decided_at is not None
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == 60


def test_the_requester_is_told_in_the_app_and_by_email(ticket, agent, staffed):
    services.approve_offscript_action(action=request(ticket, agent), by=staffed[0], note="Fair")
    notice = Notice.objects.get(user=agent, kind="offscript.decided")
    assert "approved" in render(notice) and "Lena" in render(notice)
    mail = OutboundEmail.objects.filter(to="ana@latitude.example").get()
    assert mail.subject.startswith("Approved") and "Fair" in mail.body_text


def test_the_decision_goes_into_the_ticket_history(ticket, agent, staffed):
    action = services.reject_offscript_action(action=request(ticket, agent), by=staffed[0], note="Too much")
    event = TicketEvent.objects.filter(kind=EventKind.OFFSCRIPT).last()
    assert event.actor == staffed[0] and event.data["status"] == "rejected" and event.data["note"] == "Too much"
    assert event.data["action"] == action.pk


def test_a_lead_cannot_approve_above_the_manager_threshold(ticket, agent, staffed):
    action = request(ticket, agent, "151.00")
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=staffed[0])
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING


def test_a_manager_approves_above_the_threshold(ticket, agent, staffed):
    action = services.approve_offscript_action(action=request(ticket, agent, "151.00"), by=staffed[1])
    assert action.status == ActionStatus.APPROVED


def test_an_agent_cannot_approve(ticket, agent, teammate, staffed):
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=request(ticket, agent), by=teammate)


def test_a_lead_of_another_department_cannot_approve(ticket, agent, staffed, billing):
    other_lead = UserFactory(username="olga", role="lead", department=billing)
    billing.lead = other_lead
    billing.save()
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=request(ticket, agent), by=other_lead)


def test_it_refuses_own_approval(ticket, lead, manager, policies):
    action = request(ticket, lead, "150.00")  # above the lead's own per-action limit of 100
    assert action.approver == manager  # never routed to oneself
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=lead)


def test_even_a_manager_cannot_approve_their_own(ticket, manager, lead, policies, admin_user):
    action = request(ticket, manager, "1.00")  # managers have no policy here: everything needs approval
    assert action.approver == admin_user
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=manager)
    assert services.approve_offscript_action(action=action, by=admin_user).status == ActionStatus.APPROVED


def test_approving_twice_is_a_clear_error(ticket, agent, staffed):
    action = services.approve_offscript_action(action=request(ticket, agent), by=staffed[0])
    with pytest.raises(Conflict) as exc:
        services.approve_offscript_action(action=action, by=staffed[1])
    assert "already approved" in exc.value.message
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == 60


def test_approving_a_rejected_request_is_refused(ticket, agent, staffed):
    action = services.reject_offscript_action(action=request(ticket, agent), by=staffed[0], note="No")
    with pytest.raises(Conflict):
        services.approve_offscript_action(action=action, by=staffed[1])


def test_rejecting_needs_a_note(ticket, agent, staffed):
    with pytest.raises(DomainError) as exc:
        services.reject_offscript_action(action=request(ticket, agent), by=staffed[0], note=" ")
    assert exc.value.field == "note"


def test_approving_after_the_ticket_is_closed_is_refused(ticket, agent, staffed):
    action = request(ticket, agent)
    type(ticket).objects.filter(pk=ticket.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(DomainError) as exc:
        services.approve_offscript_action(action=action, by=staffed[0])
    assert exc.value.field == "ticket"
    # …but it can still be rejected, so nothing stays pending forever.
    assert services.reject_offscript_action(action=action, by=staffed[0], note="Closed").status == "rejected"


def test_a_rejected_request_can_be_submitted_again_as_a_new_request(ticket, agent, staffed):
    old = services.reject_offscript_action(action=request(ticket, agent), by=staffed[0], note="Add the receipt")
    new = services.record_offscript_action(
        ticket=ticket, by=agent, kind="refund", amount="60.00", reason="Receipt attached", resubmission_of=old
    )
    old.refresh_from_db()
    assert old.status == ActionStatus.REJECTED
    assert new.status == ActionStatus.PENDING and new.resubmission_of == old and new.pk != old.pk


def test_a_request_is_submitted_again_only_once_and_only_when_rejected(ticket, agent, teammate, staffed):
    pending = request(ticket, agent)
    with pytest.raises(DomainError):
        services.record_offscript_action(
            ticket=ticket, by=agent, kind="refund", amount="60", reason="x", resubmission_of=pending
        )
    old = services.reject_offscript_action(action=pending, by=staffed[0], note="No")
    with pytest.raises(DomainError):
        services.record_offscript_action(
            ticket=ticket, by=teammate, kind="refund", amount="60", reason="x", resubmission_of=old
        )
    services.record_offscript_action(
        ticket=ticket, by=agent, kind="refund", amount="60", reason="x", resubmission_of=old
    )
    with pytest.raises(DomainError):
        services.record_offscript_action(
            ticket=ticket, by=agent, kind="refund", amount="60", reason="x", resubmission_of=old
        )


def test_the_requester_can_withdraw_a_pending_request(ticket, agent, teammate, staffed):
    action = request(ticket, agent)
    with pytest.raises(PermissionDenied):
        services.cancel_offscript_action(action=action, by=teammate)
    assert services.cancel_offscript_action(action=action, by=agent).status == ActionStatus.CANCELLED
    with pytest.raises(Conflict):
        services.cancel_offscript_action(action=action, by=agent)


def test_the_queue_lists_what_each_person_may_decide(ticket, agent, teammate, staffed):
    lead, manager = staffed
    small, big = request(ticket, agent), request(ticket, agent, "200.00")
    assert set(selectors.approvable_actions(lead)) == {small}
    assert set(selectors.approvable_actions(manager)) == {small, big}
    assert not selectors.approvable_actions(teammate).exists()
    assert not selectors.approvable_actions(agent).exists()


def test_agents_see_their_own_leads_their_department_managers_all(
    ticket, agent, teammate, other_agent, staffed, billing_queue
):
    from tickets.tests.factories import TicketFactory

    lead, manager = staffed
    mine = request(ticket, agent, "10")
    theirs = request(ticket, teammate, "10")
    billing_ticket = TicketFactory(queue=billing_queue, assignee=other_agent, status="open")
    elsewhere = request(billing_ticket, other_agent, "10")
    assert set(selectors.visible_actions(agent)) == {mine}
    assert set(selectors.visible_actions(lead)) == {mine, theirs}
    assert set(selectors.visible_actions(manager)) == {mine, theirs, elsewhere}


def test_the_approver_notice_is_marked_read_once_decided(ticket, agent, staffed):
    action = request(ticket, agent)
    assert selectors.unread_notifications(staffed[0]).count() == 1
    services.approve_offscript_action(action=action, by=staffed[0])
    assert selectors.unread_notifications(staffed[0]).count() == 0


def test_delegation_window_is_checked(lead, teammate):
    now = timezone.now()
    with pytest.raises(DomainError):
        services.create_delegation(from_user=lead, to_user=lead, starts_at=now, ends_at=now + dt.timedelta(days=1))
    with pytest.raises(DomainError):
        services.create_delegation(from_user=lead, to_user=teammate, starts_at=now, ends_at=now - dt.timedelta(hours=1))


def test_approval_checks_the_hard_ceiling_again(ticket, agent, staffed):
    _lead, manager = staffed
    pending = request(ticket, agent, amount="400.00")  # over the threshold: a manager's decision
    refund = kind("refund")
    refund.hard_ceiling = "300.00"  # lowered while the request waited
    refund.save(update_fields=["hard_ceiling"])

    with pytest.raises(DomainError) as exc:
        services.approve_offscript_action(action=pending, by=manager)

    assert exc.value.field == "amount" and "ceiling" in exc.value.message
    pending.refresh_from_db()
    assert pending.status == ActionStatus.PENDING
    assert selectors.spent_by_agent(agent=agent, kind=refund) == 0


def test_budgets_never_add_up_two_currencies(ticket, agent, staffed):
    lead, _manager = staffed
    refund = kind("refund")
    spent_in_euros = services.record_offscript_action(
        ticket=ticket, by=agent, kind="refund", amount="50.00", reason="x"
    )
    assert spent_in_euros.status == ActionStatus.APPROVED and spent_in_euros.currency == "EUR"
    pending_in_euros = request(ticket, agent, amount="60.00")
    refund.currency = "USD"
    refund.save(update_fields=["currency"])

    assert selectors.spent_by_agent(agent=agent, kind=refund) == 0, "50 EUR is not 50 USD"
    [row] = [r for r in selectors.discretion_summary(agent) if r["kind"].pk == refund.pk]
    assert row["used"] == 0
    with pytest.raises(DomainError) as exc:
        services.approve_offscript_action(action=pending_in_euros, by=lead)
    assert exc.value.field == "amount" and "USD" in exc.value.message
