"""Recording an action: within limits it is approved at once, beyond them a request; bad input refused."""

from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from agents import selectors, services
from agents.models import ActionStatus, ApprovalLevel, OffscriptAction
from agents.tests.factories import kind
from helpdesk.errors import DomainError
from mailroom.models import OutboundEmail
from notices.models import Notice
from notices.selectors import render
from tickets.models import EventKind, TicketEvent
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def record(ticket, by, amount="20.00", slug="refund", **kwargs):
    kwargs.setdefault("reason", "Charged twice")
    return services.record_offscript_action(ticket=ticket, by=by, kind=slug, amount=amount, **kwargs)


def test_within_limits_it_is_approved_at_once_and_spends_the_budget(ticket, agent, staffed):
    action = record(ticket, agent, "30.00")
    assert action.status == ActionStatus.APPROVED
    assert action.decided_by is None and action.self_approved
    assert action.amount == Decimal("30.00") and action.currency == "EUR"
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == Decimal("30.00")
    assert not Notice.objects.exists()


def test_it_records_the_action_in_the_ticket_history(ticket, agent, staffed):
    action = record(ticket, agent, "30.00")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.OFFSCRIPT)
    assert event.actor == agent and event.data["action"] == action.pk and event.data["amount"] == "30.00"


def test_above_the_per_action_limit_it_asks_the_lead(ticket, agent, staffed):
    action = record(ticket, agent, "60.00")
    assert action.status == ActionStatus.PENDING
    assert action.approval_level == ApprovalLevel.LEAD
    assert action.approver.username == "lena"
    assert action.over_limits == ["per_action_limit"]
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == 0


def test_the_approver_is_notified_in_the_app_and_by_email(ticket, agent, staffed):
    action = record(ticket, agent, "60.00")
    notice = Notice.objects.get(user__username="lena")
    assert notice.params["action"] == action.pk and "60.00 EUR" in render(notice) and ticket.reference in render(notice)
    mail = OutboundEmail.objects.get(kind="offscript")
    assert mail.to == "lena@latitude.example"
    assert "Approval needed" in mail.subject and ticket.reference in mail.subject
    assert "/discretion/approvals/" in mail.body_text and "Charged twice" in mail.body_text


def test_above_the_manager_threshold_it_asks_the_manager(ticket, agent, staffed):
    action = record(ticket, agent, "150.01")
    assert action.approval_level == ApprovalLevel.MANAGER
    assert action.approver.username == "marta"


def test_at_the_manager_threshold_the_lead_still_decides(ticket, agent, staffed):
    assert record(ticket, agent, "150.00").approval_level == ApprovalLevel.LEAD


def test_over_the_hard_ceiling_it_is_refused_and_nothing_is_saved(ticket, agent, staffed):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "2000.01")
    assert exc.value.field == "amount" and "ceiling" in exc.value.message
    assert not OffscriptAction.objects.exists()
    assert not TicketEvent.objects.filter(kind=EventKind.OFFSCRIPT).exists()


def test_the_monthly_budget_sends_the_rest_to_approval(ticket, other_ticket, agent, staffed):
    # 200 a month, 100 per customer: spread over two customers.
    assert record(ticket, agent, "50.00").status == ActionStatus.APPROVED
    assert record(ticket, agent, "50.00").status == ActionStatus.APPROVED
    assert record(other_ticket, agent, "50.00").status == ActionStatus.APPROVED
    third_customer = TicketFactory(queue=ticket.queue, assignee=agent, status="open")
    assert record(third_customer, agent, "50.00").status == ActionStatus.APPROVED
    over = record(third_customer, agent, "0.01")
    assert over.status == ActionStatus.PENDING and over.over_limits == ["period_budget"]
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == Decimal("200.00")


def test_a_new_month_brings_a_fresh_budget(ticket, other_ticket, agent, staffed):
    with freeze_time("2026-04-30 12:00:00"):
        for t in (ticket, ticket, other_ticket, other_ticket):
            assert record(t, agent, "50.00").status == ActionStatus.APPROVED
        assert record(other_ticket, agent, "1.00").status == ActionStatus.PENDING
    with freeze_time("2026-05-01 00:00:01"):
        assert record(ticket, agent, "50.00").status == ActionStatus.APPROVED


def test_the_customer_budget_counts_every_agent(ticket, agent, teammate, staffed):
    assert record(ticket, agent, "50.00").status == ActionStatus.APPROVED
    assert record(ticket, teammate, "50.00").status == ActionStatus.APPROVED
    third = record(ticket, teammate, "10.00")
    assert third.status == ActionStatus.PENDING and third.over_limits == ["customer_budget"]


def test_pending_and_rejected_requests_spend_nothing(ticket, agent, staffed):
    pending = record(ticket, agent, "60.00")
    services.reject_offscript_action(action=pending, by=staffed[0], note="No")
    assert selectors.spent_by_agent(agent=agent, kind=kind("refund")) == 0
    assert record(ticket, agent, "50.00").status == ActionStatus.APPROVED


def test_a_policy_exception_counts_one_per_action(ticket, other_ticket, agent, staffed):
    first = record(ticket, agent, None, slug="policy-exception", reason="Return after 40 days")
    assert first.status == ActionStatus.APPROVED and first.amount is None and first.currency == ""
    second = record(ticket, agent, None, slug="policy-exception", reason="Again")
    assert second.status == ActionStatus.PENDING and second.over_limits == ["customer_budget"]


def test_with_no_policy_covering_the_kind_every_amount_needs_a_manager(ticket, agent, staffed):
    action = record(ticket, agent, "1.00", slug="goodwill")
    assert action.status == ActionStatus.PENDING
    assert action.approval_level == ApprovalLevel.MANAGER and action.approver.username == "marta"


def test_with_nobody_at_a_level_the_request_goes_up(ticket, agent, manager, agent_policy):
    action = record(ticket, agent, "60.00")  # a lead's decision, but Support has no lead
    assert action.approval_level == ApprovalLevel.MANAGER and action.approver == manager


def test_a_reason_code_of_the_kind_is_kept(ticket, agent, staffed):
    action = record(ticket, agent, "10", reason_code="double-charge")
    assert action.reason_code.code == "double-charge"


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("-5", "amount"),
        ("0", "amount"),
        ("0.00", "amount"),
        ("NaN", "amount"),
        ("Infinity", "amount"),
        ("1e12", "amount"),
        ("1000000000", "amount"),
        ("10.005", "amount"),
        ("ten", "amount"),
        ("", "amount"),
        (None, "amount"),
    ],
)
def test_bad_amounts_are_refused(ticket, agent, staffed, amount, field):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, amount)
    assert exc.value.field == field
    assert not OffscriptAction.objects.exists()


def test_an_amount_on_a_kind_without_amount_is_refused(ticket, agent, staffed):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "10", slug="policy-exception")
    assert exc.value.field == "amount"


def test_a_float_is_read_as_its_decimal_value(ticket, agent, staffed):
    assert record(ticket, agent, 10.1).amount == Decimal("10.10")


@pytest.mark.parametrize("slug", ["teleport", "", "999999"])
def test_unknown_kinds_are_refused(ticket, agent, staffed, slug):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "10", slug=slug)
    assert exc.value.field == "kind"


def test_an_inactive_kind_is_refused(ticket, agent, staffed):
    kind("goodwill").__class__.objects.filter(slug="goodwill").update(active=False)
    with pytest.raises(DomainError):
        record(ticket, agent, "10", slug="goodwill")


def test_an_empty_reason_is_refused(ticket, agent, staffed):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "10", reason="   ")
    assert exc.value.field == "reason"


def test_a_reason_code_of_another_kind_is_refused(ticket, agent, staffed):
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "10", reason_code="late-fee")
    assert exc.value.field == "reason_code"


def test_nothing_can_be_recorded_on_a_closed_ticket(ticket, agent, staffed):
    ticket.status = "closed"
    ticket.closed_at = timezone.now()
    ticket.save()
    with pytest.raises(DomainError) as exc:
        record(ticket, agent, "10")
    assert exc.value.field == "ticket"


def test_budgets_add_up_to_the_cent(ticket, other_ticket, agent, staffed):
    # 0.10 + 0.20 is 0.30000000000000004 in binary floating point; the budget must see exactly 0.30.
    from agents.tests.factories import set_limits

    set_limits(
        staffed_policy(), "refund", per_action_limit=1, period_budget="0.30", customer_budget=1, manager_threshold=1
    )
    assert record(ticket, agent, "0.10").status == ActionStatus.APPROVED
    assert record(other_ticket, agent, "0.20").status == ActionStatus.APPROVED
    spent = selectors.spent_by_agent(agent=agent, kind=kind("refund"))
    assert spent == Decimal("0.30") and str(spent) == "0.30"
    summary = next(r for r in selectors.discretion_summary(agent) if r["kind"].slug == "refund")
    assert str(summary["left"]) == "0.00" and str(summary["used"]) == "0.30"
    assert record(other_ticket, agent, "0.01").status == ActionStatus.PENDING


def staffed_policy():
    from agents.models import DiscretionPolicy

    return DiscretionPolicy.objects.get(name="Agents")
