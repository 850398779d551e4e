"""An approver away hands over to a delegate; a request undecided too long goes up a level."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from agents import selectors, services
from agents.models import ActionStatus, ApprovalLevel, Delegation
from agents.tasks import escalate_overdue_requests_task
from notices.models import Notice
from notices.selectors import render
from notices.services import target_of
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def request(ticket, by, amount="60.00"):
    return services.record_offscript_action(ticket=ticket, by=by, kind="refund", amount=amount, reason="Late")


def away(lead, delegate, *, days=7):
    now = timezone.now()
    return services.create_delegation(
        from_user=lead, to_user=delegate, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=days)
    )


def test_a_new_request_goes_to_the_delegate_of_an_approver_who_is_away(ticket, agent, teammate, staffed):
    away(staffed[0], teammate)
    action = request(ticket, agent)
    assert action.approver == teammate
    assert Notice.objects.filter(user=teammate, target=target_of(action), kind="offscript.approval").exists()


def test_the_delegate_may_decide_what_the_delegator_could(ticket, agent, teammate, staffed):
    away(staffed[0], teammate)
    action = request(ticket, agent)
    assert services.approve_offscript_action(action=action, by=teammate).decided_by == teammate


def test_the_delegate_may_not_decide_above_the_delegators_level(ticket, agent, teammate, staffed):
    away(staffed[0], teammate)
    action = request(ticket, agent, "151.00")
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=teammate)


def test_a_delegate_never_decides_their_own_request(ticket, agent, staffed):
    away(staffed[0], agent)
    action = request(ticket, agent)
    assert action.approver != agent
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=agent)


def test_pending_requests_move_to_the_delegate_when_the_delegation_starts_now(ticket, agent, teammate, staffed):
    action = request(ticket, agent)
    assert action.approver == staffed[0]
    away(staffed[0], teammate)
    action.refresh_from_db()
    assert action.approver == teammate


def test_after_the_delegation_ends_the_delegate_has_no_power(ticket, agent, teammate, staffed):
    with freeze_time("2026-06-01 09:00:00"):
        Delegation.objects.create(
            from_user=staffed[0],
            to_user=teammate,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(days=2),
        )
        action = request(ticket, agent)
        assert selectors.can_decide(teammate, action)
    with freeze_time("2026-06-03 09:00:01"):
        assert not selectors.can_decide(teammate, action)
        with pytest.raises(PermissionDenied):
            services.approve_offscript_action(action=action, by=teammate)


def test_an_undecided_request_escalates_to_the_manager_after_the_set_time(ticket, agent, staffed, settings):
    settings.OFFSCRIPT_ESCALATE_AFTER_HOURS = 24
    with freeze_time("2026-06-01 09:00:00"):
        action = request(ticket, agent)
    with freeze_time("2026-06-02 08:59:00"):
        assert services.escalate_overdue_requests() == 0
    with freeze_time("2026-06-02 09:00:00"):
        assert escalate_overdue_requests_task.delay().get() == 1
        action.refresh_from_db()
        assert action.approval_level == ApprovalLevel.MANAGER
        assert action.approver == staffed[1] and action.escalations == 1
        notice = Notice.objects.get(user=staffed[1], target=target_of(action), params__why="escalated")
        assert render(notice).startswith("Escalated")
        assert TicketEvent.objects.filter(kind=EventKind.OFFSCRIPT, new_value="escalated").exists()
        # Run again at once: nothing is escalated twice.
        assert services.escalate_overdue_requests() == 0
    # Once escalated, the lead no longer decides it; the manager does.
    with pytest.raises(PermissionDenied):
        services.approve_offscript_action(action=action, by=staffed[0])
    assert services.approve_offscript_action(action=action, by=staffed[1]).status == ActionStatus.APPROVED


def test_a_managers_request_escalates_to_an_admin_and_stops_there(ticket, agent, staffed, admin_user):
    with freeze_time("2026-06-01 09:00:00"):
        action = request(ticket, agent, "200.00")
    with freeze_time("2026-06-02 10:00:00"):
        services.escalate_overdue_requests()
    with freeze_time("2026-06-05 10:00:00"):
        services.escalate_overdue_requests()
    action.refresh_from_db()
    assert action.approval_level == ApprovalLevel.ADMIN and action.approver == admin_user
    assert action.escalations == 1


def test_decided_requests_never_escalate(ticket, agent, staffed):
    with freeze_time("2026-06-01 09:00:00"):
        services.approve_offscript_action(action=request(ticket, agent), by=staffed[0])
    with freeze_time("2026-06-03 09:00:00"):
        assert services.escalate_overdue_requests() == 0


def test_the_sweep_is_listed_with_the_periodic_jobs():
    from helpdesk.celery import PERIODIC_TASKS

    assert ("agents.escalate_overdue_requests", 300) in PERIODIC_TASKS.values()
