"""Writes for off-script latitude: one function per verb, atomic, recorded in the ticket's history,
notifications and e-mail queued inside the same transaction (mail is sent after commit by mailroom)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agents import selectors
from agents.models import (
    LEVEL_RANK,
    ActionStatus,
    ApprovalLevel,
    BudgetLock,
    Delegation,
    DiscretionPolicy,
    OffscriptAction,
    OffscriptKind,
    PolicyVersion,
    ReasonCode,
)
from helpdesk.errors import Conflict, DomainError
from helpdesk.ids import is_id
from notices.services import mark_read_of_kind, mark_target_read, notify
from tickets.models import EventKind, Role, Status, Ticket
from tickets.services import add_message, record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_AMOUNT = Decimal("1000000000")  # 10^9: anything at or above is a typo, never a real gesture
CENT = Decimal("0.01")
# History codes of an off-script request besides its statuses (labelled by agents.hooks.event_labels).
OFFSCRIPT_REQUESTED = "approval_requested"
OFFSCRIPT_ESCALATED = "escalated"
ESCALATION_BATCH = 200


def escalate_after() -> dt.timedelta:
    return dt.timedelta(hours=settings.OFFSCRIPT_ESCALATE_AFTER_HOURS)


# --- input ------------------------------------------------------------------------------------


def resolve_kind(kind: OffscriptKind | str | int) -> OffscriptKind:
    """An active kind from an instance, its slug or its id; anything else is refused."""
    if isinstance(kind, OffscriptKind):
        found = kind if kind.active else None
    else:
        value = str(kind or "").strip()
        qs = OffscriptKind.objects.filter(active=True)
        found = qs.filter(pk=int(value)).first() if is_id(value) else qs.filter(slug=value).first()
    if found is None:
        raise DomainError(_("Unknown kind of off-script action “%(kind)s”.") % {"kind": kind}, field="kind")
    return found


def clean_amount(kind: OffscriptKind, amount: object) -> Decimal | None:
    """Decimal with at most two places, positive and below 10^9; no amount for kinds without one."""
    if not kind.has_amount:
        if amount not in (None, ""):
            raise DomainError(_("%(kind)s has no amount.") % {"kind": str(kind)}, field="amount")
        return None
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        raise DomainError(_("An amount is required for %(kind)s.") % {"kind": str(kind)}, field="amount")
    if isinstance(amount, float):
        amount = repr(amount)  # never do money in binary floating point
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("“%(amount)s” is not an amount.") % {"amount": amount}, field="amount") from None
    if not value.is_finite():
        raise DomainError(_("“%(amount)s” is not an amount.") % {"amount": amount}, field="amount")
    if value <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if value >= MAX_AMOUNT:
        raise DomainError(_("The amount is not plausible."), field="amount")
    if value != value.quantize(CENT):
        raise DomainError(_("Amounts have at most two decimal places."), field="amount")
    return value.quantize(CENT)


def _clean_reason_code(kind: OffscriptKind, reason_code) -> ReasonCode | None:
    if reason_code in (None, ""):
        return None
    if isinstance(reason_code, ReasonCode):
        found = reason_code if reason_code.kind_id == kind.pk and reason_code.active else None
    else:
        value = str(reason_code).strip()
        qs = ReasonCode.objects.filter(kind=kind, active=True)
        found = qs.filter(pk=int(value)).first() if is_id(value) else qs.filter(code=value).first()
    if found is None:
        raise DomainError(_("That reason code does not belong to %(kind)s.") % {"kind": str(kind)}, field="reason_code")
    return found


# --- locks ------------------------------------------------------------------------------------


def _lock(key: str) -> None:
    """Take the row lock for one budget until the transaction ends (created on first use)."""
    BudgetLock.objects.select_for_update().get_or_create(key=key)


def _lock_budgets(*, agent_id: int, customer_id: int, kind_id: int) -> None:
    # Always agent first, then customer: one order everywhere, so two transactions never deadlock.
    _lock(f"agent:{agent_id}:kind:{kind_id}")
    _lock(f"customer:{customer_id}:kind:{kind_id}")


# --- routing and notices -----------------------------------------------------------------------


def _admin_user(*, exclude_id: int):
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN))
        .exclude(pk=exclude_id)
        .order_by("pk")
        .first()
    )


def route(*, agent: User, level: str, now: dt.datetime) -> tuple[str, object | None]:
    """Who decides at `level` for `agent`: the department's lead, its manager, then an admin. A level with
    nobody (or only the requester) passes to the next; an approver who is away is replaced by their delegate."""
    department = getattr(getattr(agent, "profile", None), "department", None)
    order = [ApprovalLevel.LEAD, ApprovalLevel.MANAGER, ApprovalLevel.ADMIN]
    for candidate_level in order[order.index(level) :]:
        if candidate_level == ApprovalLevel.LEAD:
            person = department.lead if department else None
        elif candidate_level == ApprovalLevel.MANAGER:
            person = department.manager if department else None
        else:
            person = _admin_user(exclude_id=agent.pk)
        if person is not None and person.pk != agent.pk and person.is_active:
            delegate = selectors.active_delegate_of(person, now=now)
            if delegate is not None and delegate.pk != agent.pk:
                person = delegate
            return candidate_level, person
    return ApprovalLevel.ADMIN, None


def _notify(*, recipient, action: OffscriptAction, kind: str, by=None, **params) -> None:
    """An in-app notice (and, by the person's choice, its e-mail copy) about an off-script request."""
    if recipient is None:
        return
    notify(
        user=recipient,
        kind=kind,
        target=action,
        params={
            "action": action.pk,
            "ticket": action.ticket_id,
            "ref": action.ticket.reference,
            "kind": action.kind.name,
            "amount": action.display_amount,
            "who": _who(by),
            **params,
        },
    )


def _who(user) -> str:
    return user.get_full_name() or user.get_username() if user else ""


def _event_data(action: OffscriptAction, **extra) -> dict:
    return {
        "action": action.pk,
        "kind": action.kind.slug,
        "amount": str(action.amount) if action.amount is not None else None,
        "currency": action.currency,
        "status": action.status,
        **extra,
    }


# --- the verbs ---------------------------------------------------------------------------------


@transaction.atomic
def record_offscript_action(
    *,
    ticket: Ticket,
    by: User,
    kind: OffscriptKind | str | int,
    amount: object,
    reason: str,
    reason_code: object = None,
    customer_note: str = "",
    resubmission_of: OffscriptAction | None = None,
) -> OffscriptAction:
    """An agent does something off-script for a customer. Within their limits it is approved at once and
    spends their budget; beyond them it becomes a request routed to their lead (or manager above the
    manager threshold). Above the kind's hard ceiling it is refused outright."""
    kind = resolve_kind(kind)
    amount = clean_amount(kind, amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why: a reason is required."), field="reason")
    reason_code = _clean_reason_code(kind, reason_code)
    customer_note = (customer_note or "").strip()
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise DomainError(_("This ticket is closed; no more actions can be taken on it."), field="ticket")
    if resubmission_of is not None:
        _check_resubmission(resubmission_of, ticket=ticket, by=by)
    now = timezone.now()
    _lock_budgets(agent_id=by.pk, customer_id=ticket.customer_id, kind_id=kind.pk)
    limits = selectors.limits_for(by, [kind], today=timezone.localdate(now))[kind.pk]
    if amount is not None and limits.hard_ceiling is not None and amount > limits.hard_ceiling:
        raise DomainError(
            _(
                "%(amount)s %(currency)s is over the hard ceiling of %(ceiling)s %(currency)s for %(kind)s; nobody may approve it."
            )
            % {"amount": amount, "currency": kind.currency, "ceiling": limits.hard_ceiling, "kind": str(kind)},
            field="amount",
        )
    units = amount if amount is not None else Decimal(1)
    spent = selectors.spent_by_agent(agent=by, kind=kind, now=now)
    customer_spent = selectors.spent_on_customer(customer_id=ticket.customer_id, kind=kind, now=now)
    over = []
    if units > limits.per_action_limit:
        over.append("per_action_limit")
    if spent + units > limits.period_budget:
        over.append("period_budget")
    if customer_spent + units > limits.customer_budget:
        over.append("customer_budget")
    action = OffscriptAction(
        ticket=ticket,
        agent=by,
        kind=kind,
        amount=amount,
        currency=kind.currency if kind.has_amount else "",
        reason_code=reason_code,
        reason=reason,
        customer_note=customer_note,
        created_at=now,
        over_limits=over,
        limits_snapshot={
            **limits.snapshot(),
            "spent_before": str(spent),
            "customer_spent_before": str(customer_spent),
            "period_start": selectors.period_bounds(now)[0].isoformat(),
        },
        resubmission_of=resubmission_of,
    )
    if not over:
        action.status = ActionStatus.APPROVED
        action.decided_at = now
        action.save()
        record_event(
            ticket=ticket, by=by, kind=EventKind.OFFSCRIPT, new=ActionStatus.APPROVED, data=_event_data(action)
        )
        _reply_with_customer_note(action)
        return action
    needs = ApprovalLevel.MANAGER if units > limits.manager_threshold else ApprovalLevel.LEAD
    action.status = ActionStatus.PENDING
    action.approval_level, action.approver = route(agent=by, level=needs, now=now)
    action.routed_at = now
    action.save()
    record_event(
        ticket=ticket,
        by=by,
        kind=EventKind.OFFSCRIPT,
        new=OFFSCRIPT_REQUESTED,
        data=_event_data(action, level=action.approval_level, approver=action.approver_id, over=over),
    )
    _notify(recipient=action.approver, action=action, kind="offscript.approval", by=by, why="requested")
    return action


def _check_resubmission(previous: OffscriptAction, *, ticket: Ticket, by) -> None:
    """A rejected request may be asked again as a new request; the old one stays rejected."""
    if previous.status != ActionStatus.REJECTED:
        raise DomainError(_("Only a rejected request can be submitted again."), field="resubmission_of")
    if previous.agent_id != by.pk or previous.ticket_id != ticket.pk:
        raise DomainError(
            _("Only its requester can submit a request again, on the same ticket."), field="resubmission_of"
        )
    if OffscriptAction.objects.filter(resubmission_of=previous).exists():
        raise DomainError(_("This request was already submitted again."), field="resubmission_of")


def _lock_for_decision(action: OffscriptAction, by) -> OffscriptAction:
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=action.ticket_id)
    action = (
        OffscriptAction.objects.select_for_update(of=("self",))
        .select_related("kind", "agent__profile", "ticket__customer")
        .get(pk=action.pk)
    )
    action.ticket = ticket
    if action.status != ActionStatus.PENDING:
        raise Conflict(
            _("This request is already %(status)s; it cannot be decided again.")
            % {"status": action.get_status_display().lower()},
            field="status",
            code="already_decided",
        )
    if action.agent_id == by.pk:
        raise PermissionDenied(_("Nobody may approve or reject their own request."))
    if not selectors.can_decide(by, action):
        raise PermissionDenied(
            _("This request needs a %(level)s's decision.") % {"level": action.get_approval_level_display().lower()}
        )
    return action


def _decide(*, action: OffscriptAction, by, note: str, status: str) -> OffscriptAction:
    now = timezone.now()
    action.status = status
    action.decided_by = by
    action.decided_at = now
    action.decision_note = (note or "").strip()
    action.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    mark_target_read(target=action, except_user=action.agent)
    record_event(
        ticket=action.ticket,
        by=by,
        kind=EventKind.OFFSCRIPT,
        new=status,
        data=_event_data(action, note=action.decision_note),
    )
    _notify(recipient=action.agent, action=action, kind="offscript.decided", by=by, status=status)
    if status == ActionStatus.APPROVED:
        _reply_with_customer_note(action)
    return action


def _reply_with_customer_note(action: OffscriptAction) -> None:
    """An approved action's note to the customer reaches them: a public reply from the agent on the ticket,
    e-mailed in the customer's language like any reply. A request still waiting tells the customer nothing."""
    if not action.customer_note:
        return
    add_message(ticket=action.ticket, by=action.agent, body=action.customer_note)


@transaction.atomic
def approve_offscript_action(*, action: OffscriptAction, by: User, note: str = "") -> OffscriptAction:
    """A lead (below the manager threshold) or a manager approves someone else's pending request, while the
    ticket is not closed. The amount then counts against the requester's budget."""
    action = _lock_for_decision(action, by)
    if action.ticket.status == Status.CLOSED:
        raise DomainError(_("The ticket is closed; the request can only be rejected."), field="ticket")
    _lock_budgets(agent_id=action.agent_id, customer_id=action.ticket.customer_id, kind_id=action.kind_id)
    _check_still_allowed(action)
    return _decide(action=action, by=by, note=note, status=ActionStatus.APPROVED)


def _check_still_allowed(action: OffscriptAction) -> None:
    """At approval time, not only when it was asked: the hard ceiling (a policy may have lowered it since)
    and the kind's currency (the limits are in it; a request in another currency is asked again)."""
    kind = action.kind
    if action.amount is None or not kind.has_amount:
        return
    if action.currency and action.currency != kind.currency:
        raise DomainError(
            _("This request is in %(old)s but %(kind)s is now counted in %(new)s; ask again in %(new)s.")
            % {"old": action.currency, "new": kind.currency, "kind": kind.name},
            field="amount",
        )
    limits = selectors.limits_for(action.agent, [kind], today=timezone.localdate())[kind.pk]
    if limits.hard_ceiling is not None and action.amount > limits.hard_ceiling:
        raise DomainError(
            _(
                "%(amount)s %(currency)s is over the hard ceiling of %(ceiling)s %(currency)s for %(kind)s; nobody may approve it."
            )
            % {"amount": action.amount, "currency": kind.currency, "ceiling": limits.hard_ceiling, "kind": kind.name},
            field="amount",
        )


@transaction.atomic
def reject_offscript_action(*, action: OffscriptAction, by: User, note: str = "") -> OffscriptAction:
    """A lead or manager turns down someone else's pending request; a note says why."""
    if not (note or "").strip():
        raise DomainError(_("Say why the request is rejected."), field="note")
    action = _lock_for_decision(action, by)
    return _decide(action=action, by=by, note=note, status=ActionStatus.REJECTED)


@transaction.atomic
def cancel_offscript_action(*, action: OffscriptAction, by: User) -> OffscriptAction:
    """The requester withdraws their own pending request (e.g. to close the ticket)."""
    action = OffscriptAction.objects.select_for_update(of=("self",)).select_related("kind", "ticket").get(pk=action.pk)
    if action.agent_id != by.pk:
        raise PermissionDenied(_("Only the requester may withdraw a request."))
    if action.status != ActionStatus.PENDING:
        raise Conflict(_("Only a pending request can be withdrawn."), field="status", code="not_pending")
    action.status = ActionStatus.CANCELLED
    action.decided_at = timezone.now()
    action.save(update_fields=["status", "decided_at"])
    mark_target_read(target=action)
    record_event(
        ticket=action.ticket, by=by, kind=EventKind.OFFSCRIPT, new=ActionStatus.CANCELLED, data=_event_data(action)
    )
    return action


def escalate_overdue_requests(*, now: dt.datetime | None = None) -> int:
    """A request undecided for longer than the set time goes to the next level (lead → manager → admin).
    Each request is claimed under its row lock and re-checked, so two sweepers never escalate it twice."""
    now = now or timezone.now()
    cutoff = now - escalate_after()
    due = list(
        OffscriptAction.objects.filter(status=ActionStatus.PENDING, routed_at__lte=cutoff)
        .exclude(approval_level=ApprovalLevel.ADMIN)
        .order_by("routed_at")
        .values_list("pk", flat=True)[:ESCALATION_BATCH]
    )
    count = 0
    for pk in due:
        if _escalate_one(pk=pk, now=now, cutoff=cutoff):
            count += 1
    return count


@transaction.atomic
def _escalate_one(*, pk: int, now: dt.datetime, cutoff: dt.datetime) -> bool:
    action = (
        OffscriptAction.objects.select_for_update(of=("self",))
        .select_related("agent__profile__department", "kind", "ticket")
        .filter(pk=pk, status=ActionStatus.PENDING, routed_at__lte=cutoff)
        .first()
    )
    if action is None or action.approval_level == ApprovalLevel.ADMIN:
        return False
    order = sorted(LEVEL_RANK, key=LEVEL_RANK.get)
    next_level = order[order.index(action.approval_level) + 1]
    old_level, old_approver = action.approval_level, action.approver_id
    action.approval_level, action.approver = route(agent=action.agent, level=next_level, now=now)
    action.routed_at = now
    action.escalations += 1
    action.save(update_fields=["approval_level", "approver", "routed_at", "escalations"])
    record_event(
        ticket=action.ticket,
        by=None,
        kind=EventKind.OFFSCRIPT,
        new=OFFSCRIPT_ESCALATED,
        data=_event_data(action, from_level=old_level, level=action.approval_level, from_approver=old_approver),
    )
    _notify(
        recipient=action.approver,
        action=action,
        kind="offscript.approval",
        why="escalated",
        since=action.created_at.isoformat(),
    )
    return True


@transaction.atomic
def create_delegation(
    *,
    from_user: User,
    to_user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    by: User | None = None,
) -> Delegation:
    """A person who will be away (set by themself, or by their lead or manager: `by`) names a deputy between
    two moments. From the start their pending approvals and open tickets move to the deputy (`hand_over`),
    at once when it has already started, else by the periodic job."""
    if to_user.pk == from_user.pk:
        raise DomainError(_("Delegate to someone else."), field="to_user")
    if not to_user.is_active:
        raise DomainError(_("%(user)s is not an active user.") % {"user": to_user}, field="to_user")
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="ends_at")
    if ends_at <= timezone.now():
        raise DomainError(_("The delegation would already be over."), field="ends_at")
    delegation = Delegation.objects.create(
        from_user=from_user,
        to_user=to_user,
        starts_at=starts_at,
        ends_at=ends_at,
        note=(note or "").strip()[:200],
        created_by=by or from_user,
    )
    if starts_at <= timezone.now():
        hand_over(delegation=delegation)
    return delegation


@transaction.atomic
def hand_over(*, delegation: Delegation, now: dt.datetime | None = None) -> dict:
    """At the start of an out-of-office, once: the person's pending approvals and open tickets go to the
    deputy, each ticket's move recorded in its history (`why: out_of_office`). Tickets the deputy may not
    take (another department) stay where they are. Returns how many moved and stayed."""
    from tickets.access import can_be_assigned
    from tickets.models import OPEN_STATUSES
    from tickets.services import assign_ticket

    now = now or timezone.now()
    claimed = Delegation.objects.filter(
        pk=delegation.pk, handed_over_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).update(handed_over_at=now)
    if not claimed:  # not started yet, already over, or someone else handed it over
        return {"claimed": False, "approvals": 0, "tickets": 0, "kept": 0}
    from_user, to_user = delegation.from_user, delegation.to_user
    approvals = OffscriptAction.objects.filter(status=ActionStatus.PENDING, approver=from_user).exclude(agent=to_user)
    moved_approvals = 0
    for action in approvals.select_related("kind", "ticket"):
        action.approver = to_user
        action.save(update_fields=["approver"])
        _notify(recipient=to_user, action=action, kind="offscript.approval", by=from_user, why="delegated")
        moved_approvals += 1
    moved = kept = 0
    tickets = Ticket.objects.filter(assignee=from_user, status__in=OPEN_STATUSES).select_related("queue__department")
    for ticket in tickets.order_by("pk"):
        if not to_user.is_active or not can_be_assigned(to_user, ticket):
            kept += 1
            continue
        assign_ticket(
            ticket=ticket,
            assignee=to_user,
            by=delegation.created_by,
            data={"why": "out_of_office", "delegation": delegation.pk, "from": from_user.get_username()},
        )
        moved += 1
    return {"claimed": True, "approvals": moved_approvals, "tickets": moved, "kept": kept}


def hand_over_due_delegations(*, now: dt.datetime | None = None) -> int:
    """The periodic job: every out-of-office that has started and not been handed over yet."""
    now = now or timezone.now()
    due = Delegation.objects.filter(handed_over_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    count = 0
    for delegation in due.select_related("from_user", "to_user", "created_by").order_by("starts_at")[:200]:
        count += hand_over(delegation=delegation, now=now)["claimed"]
    return count


@transaction.atomic
def end_delegation(*, delegation: Delegation, by: User | None = None, now: dt.datetime | None = None) -> Delegation:
    """Back early (or a planned absence called off): a running one ends now, a future one is removed.
    Tickets already handed over stay with the deputy."""
    now = now or timezone.now()
    if delegation.starts_at > now:
        delegation.delete()
        return delegation
    if delegation.ends_at > now:
        delegation.ends_at = now if now > delegation.starts_at else delegation.starts_at + dt.timedelta(seconds=1)
        delegation.save(update_fields=["ends_at"])
    return delegation


@transaction.atomic
def publish_policy_version(*, policy: DiscretionPolicy, by: User | None = None) -> PolicyVersion:
    """After any change to a policy or its limits: a new version number and a copy of the limits."""
    policy = DiscretionPolicy.objects.select_for_update().get(pk=policy.pk)
    last = policy.versions.order_by("-number").first()
    number = (last.number + 1) if last else policy.version
    limits = {
        limit.kind.slug: {
            "per_action_limit": str(limit.per_action_limit),
            "period_budget": str(limit.period_budget),
            "customer_budget": str(limit.customer_budget),
            "manager_threshold": str(limit.manager_threshold),
        }
        for limit in policy.limits.select_related("kind")
    }
    if last is not None and last.limits == limits and policy.version == last.number:
        return last
    policy.version = number
    policy.updated_at = timezone.now()
    policy.save(update_fields=["version", "updated_at"])
    return PolicyVersion.objects.create(policy=policy, number=number, limits=limits, changed_by=by)


def mark_notifications_read(*, user: User) -> int:
    """The person's off-script notices are read (the approvals page's "mark read")."""
    return mark_read_of_kind(user=user, prefix="offscript.")
