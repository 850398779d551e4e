"""Reads: which limits apply to whom, what is left of each budget, who sees and who decides which action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from agents.models import (
    LEVEL_RANK,
    ActionStatus,
    ApprovalLevel,
    Delegation,
    DiscretionPolicy,
    OffscriptAction,
    OffscriptKind,
    PolicyLimit,
    PolicyScope,
    ReasonCode,
)
from helpdesk import refdata
from notices.models import Notice
from notices.selectors import notices_for
from tickets.access import department_id_of, has_role, is_manager_or_above, roles_of
from tickets.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tickets.models import Ticket

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: object) -> Decimal:
    """A sum from the database as exact cents. SQLite's SUM goes through binary floating point
    (569.62 comes back as 569.6200000000000…), so every total is rounded to the cent before use."""
    return Decimal(str(value or 0)).quantize(CENT)


ROLE_PRECEDENCE = [Role.ADMIN, Role.MANAGER, Role.LEAD, Role.AGENT]


@dataclass(frozen=True)
class Limits:
    """The numbers in force for one user and one kind, and where they come from."""

    kind_id: int
    per_action_limit: Decimal
    period_budget: Decimal
    customer_budget: Decimal
    manager_threshold: Decimal
    hard_ceiling: Decimal | None
    currency: str
    policy_id: int | None
    policy_name: str
    policy_version: int | None
    scope: str

    def snapshot(self) -> dict:
        return {
            "policy_id": self.policy_id,
            "policy": self.policy_name,
            "version": self.policy_version,
            "scope": self.scope,
            "per_action_limit": str(self.per_action_limit),
            "period_budget": str(self.period_budget),
            "customer_budget": str(self.customer_budget),
            "manager_threshold": str(self.manager_threshold),
            "hard_ceiling": str(self.hard_ceiling) if self.hard_ceiling is not None else None,
            "currency": self.currency,
        }


def period_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The budget period holding `now`: the calendar month in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def active_kinds() -> list[OffscriptKind]:
    """The kinds of off-script action agents may record, cached until one changes (helpdesk.refdata)."""
    return refdata.cached("offscript-kinds", [OffscriptKind], lambda: list(OffscriptKind.objects.filter(active=True)))


def active_policies() -> list[DiscretionPolicy]:
    """Every active discretion policy with its limits, by id, cached until a policy or limit changes."""
    return refdata.cached(
        "discretion-policies",
        [DiscretionPolicy, PolicyLimit],
        lambda: list(DiscretionPolicy.objects.filter(active=True).prefetch_related("limits").order_by("id")),
    )


def active_reason_codes() -> list[ReasonCode]:
    """Active reason codes with their kinds, cached until one changes (helpdesk.refdata)."""
    return refdata.cached(
        "reason-codes",
        [ReasonCode, OffscriptKind],
        lambda: list(ReasonCode.objects.filter(active=True).select_related("kind")),
    )


def reason_code_choices() -> list[tuple[int, str]]:
    """Active reason codes as (id, "Kind: label") for the record form, in the viewer's language."""
    return [(rc.pk, f"{rc.kind}: {rc}") for rc in active_reason_codes()]


def policy_chain(user: User, *, today: dt.date | None = None) -> list[DiscretionPolicy]:
    """The policies that apply to `user`, most specific first (see DiscretionPolicy)."""
    today = today or timezone.localdate()
    policies = [
        p
        for p in active_policies()
        if (
            p.scope == PolicyScope.AGENT
            and p.user_id == user.pk
            or p.scope in (PolicyScope.NEW_AGENT, PolicyScope.ROLE)
        )
        and (p.starts_on is None or p.starts_on <= today)
        and (p.ends_on is None or p.ends_on >= today)
    ]
    own = [p for p in policies if p.scope == PolicyScope.AGENT]
    chain = sorted(own, key=lambda p: (p.ends_on is None, -(p.starts_on or dt.date.min).toordinal(), -p.pk))
    profile = getattr(user, "profile", None)
    started_on = profile.started_on if profile else None
    if started_on:
        chain += [
            p
            for p in policies
            if p.scope == PolicyScope.NEW_AGENT and today < started_on + dt.timedelta(days=p.new_agent_days)
        ]
    user_roles = roles_of(user)
    by_role = {p.role: p for p in policies if p.scope == PolicyScope.ROLE}
    chain += [by_role[role] for role in ROLE_PRECEDENCE if role in user_roles and role in by_role]
    return chain


def limits_for(
    user: User, kinds: list[OffscriptKind] | None = None, *, today: dt.date | None = None
) -> dict[int, Limits]:
    """Limits per kind id for `user`. A kind no policy covers gets zero latitude: every amount asks a manager."""
    kinds = kinds if kinds is not None else active_kinds()
    chain = policy_chain(user, today=today)
    result: dict[int, Limits] = {}
    for kind in kinds:
        found, source = None, None
        for policy in chain:
            found = next((limit for limit in policy.limits.all() if limit.kind_id == kind.pk), None)
            if found is not None:
                source = policy
                break
        ceiling = kind.hard_ceiling if kind.has_amount else None
        if found is None:
            result[kind.pk] = Limits(kind.pk, ZERO, ZERO, ZERO, ZERO, ceiling, kind.currency, None, "", None, "none")
        else:
            policy = source
            result[kind.pk] = Limits(
                kind_id=kind.pk,
                per_action_limit=found.per_action_limit,
                period_budget=found.period_budget,
                customer_budget=found.customer_budget,
                manager_threshold=found.manager_threshold,
                hard_ceiling=ceiling,
                currency=kind.currency if kind.has_amount else "",
                policy_id=policy.pk,
                policy_name=policy.name,
                policy_version=policy.version,
                scope=policy.scope,
            )
    return result


def _units_sum(qs: QuerySet, kind: OffscriptKind) -> Decimal:
    """Money spent for kinds with an amount, in the kind's currency only (limits are in that currency: an
    action recorded before the kind's currency changed never adds euros to dollars); the number of actions
    for the others."""
    if kind.has_amount:
        return money(qs.filter(currency=kind.currency).aggregate(total=Sum("amount"))["total"])
    return Decimal(qs.count())


def spent_by_agent(*, agent: User, kind: OffscriptKind, now: dt.datetime | None = None) -> Decimal:
    start, end = period_bounds(now)
    qs = OffscriptAction.objects.filter(
        agent=agent, kind=kind, status=ActionStatus.APPROVED, created_at__gte=start, created_at__lt=end
    )
    return _units_sum(qs, kind)


def spent_on_customer(*, customer_id: int, kind: OffscriptKind, now: dt.datetime | None = None) -> Decimal:
    """What the customer received of this kind this period, from any agent."""
    start, end = period_bounds(now)
    qs = OffscriptAction.objects.filter(
        ticket__customer_id=customer_id,
        kind=kind,
        status=ActionStatus.APPROVED,
        created_at__gte=start,
        created_at__lt=end,
    )
    return _units_sum(qs, kind)


def discretion_summary(user: User, *, now: dt.datetime | None = None, customer_id: int | None = None) -> list[dict]:
    """Per active kind: the user's limits, what they spent this period and what is left (panel and API)."""
    now = now or timezone.now()
    start, end = period_bounds(now)
    kinds = active_kinds()
    limits = limits_for(user, kinds, today=timezone.localdate(now))
    # One query for both: the user's own actions this period (per kind and status) and, when asked, the
    # approved actions on this customer's tickets this period (per kind), by conditional aggregates.
    mine = Q(agent=user)
    customers = Q(ticket__customer_id=customer_id, status=ActionStatus.APPROVED) if customer_id is not None else None
    rows = (
        OffscriptAction.objects.filter(mine | customers if customers is not None else mine)
        .filter(created_at__gte=start, created_at__lt=end)
        .values("kind_id", "status", "currency")
        .annotate(
            total=Sum("amount", filter=mine),
            n=Count("id", filter=mine),
            **(
                {"customer_total": Sum("amount", filter=customers), "customer_n": Count("id", filter=customers)}
                if customers is not None
                else {}
            ),
        )
        .order_by()
    )
    spent: dict[tuple[int, str], tuple[Decimal, int]] = {}
    customer_spent: dict[int, Decimal] = {}
    by_pk = {k.pk: k for k in kinds}
    for r in rows:
        kind = by_pk.get(r["kind_id"])
        # Money of another currency than the kind's (limits') own is not counted against the limits.
        same = kind is not None and (not r["currency"] or r["currency"] == kind.currency)
        if r["n"]:
            total, n = spent.get((r["kind_id"], r["status"]), (ZERO, 0))
            spent[(r["kind_id"], r["status"])] = (total + (money(r["total"]) if same else ZERO), n + r["n"])
        if customers is not None and r["customer_n"] and kind is not None:
            if kind.has_amount:
                add = money(r["customer_total"]) if same else ZERO
            else:
                add = Decimal(r["customer_n"])
            customer_spent[kind.pk] = customer_spent.get(kind.pk, ZERO) + add
    summary = []
    for kind in kinds:
        lim = limits[kind.pk]
        total, n = spent.get((kind.pk, ActionStatus.APPROVED), (ZERO, 0))
        used = total if kind.has_amount else Decimal(n)
        p_total, p_n = spent.get((kind.pk, ActionStatus.PENDING), (ZERO, 0))
        row = {
            "kind": kind,
            "limits": lim,
            "used": used,
            "pending": p_total if kind.has_amount else Decimal(p_n),
            "left": max(ZERO, lim.period_budget - used),
            "period_start": start,
            "period_end": end,
        }
        if customer_id is not None:
            row["customer_used"] = customer_spent.get(kind.pk, ZERO)
            row["customer_left"] = max(ZERO, lim.customer_budget - row["customer_used"])
        summary.append(row)
    return summary


# --- who sees and who decides ------------------------------------------------------------------


def active_delegations_to(user: User, *, now: dt.datetime | None = None) -> QuerySet[Delegation]:
    now = now or timezone.now()
    return Delegation.objects.filter(to_user=user, starts_at__lte=now, ends_at__gt=now).select_related(
        "from_user__profile"
    )


def active_delegate_of(user: User, *, now: dt.datetime | None = None) -> User | None:
    """The person standing in for `user` now, or None."""
    now = now or timezone.now()
    delegation = (
        Delegation.objects.filter(from_user=user, starts_at__lte=now, ends_at__gt=now)
        .select_related("to_user")
        .order_by("-starts_at")
        .first()
    )
    return delegation.to_user if delegation and delegation.to_user.is_active else None


def _power_q(user) -> Q | None:
    """The pending actions `user` may decide on by their own role (None: none)."""
    if has_role(user, Role.ADMIN):
        return Q()
    if is_manager_or_above(user):
        return Q(approval_level__in=[ApprovalLevel.LEAD, ApprovalLevel.MANAGER])
    if has_role(user, Role.LEAD):
        department_id = department_id_of(user)
        return Q(approval_level=ApprovalLevel.LEAD) & (
            Q(agent__profile__department__lead=user) | Q(agent__profile__department_id=department_id)
            if department_id
            else Q(agent__profile__department__lead=user)
        )
    return None


def approvable_actions(user: User, *, now: dt.datetime | None = None) -> QuerySet[OffscriptAction]:
    """Pending requests `user` may approve or reject: by role, or standing in for someone who may.
    Never their own."""
    qs = OffscriptAction.objects.filter(status=ActionStatus.PENDING).exclude(agent=user)
    q = _power_q(user)
    for delegation in active_delegations_to(user, now=now):
        delegated = _power_q(delegation.from_user)
        if delegated is not None:
            delegated &= ~Q(agent=delegation.from_user)
            q = delegated if q is None else (q | delegated)
    if q is None:
        return qs.none()
    return qs.filter(q)


def can_decide(user: User, action: OffscriptAction) -> bool:
    return approvable_actions(user).filter(pk=action.pk).exists()


def visible_actions(user: User) -> QuerySet[OffscriptAction]:
    """Agents see their own (and what is routed to them), leads their department's, managers all."""
    qs = OffscriptAction.objects.all()
    if is_manager_or_above(user):
        return qs
    own = Q(agent=user) | Q(approver=user)
    if has_role(user, Role.LEAD):
        department_id = department_id_of(user)
        own |= Q(agent__profile__department__lead=user)
        if department_id:
            own |= Q(agent__profile__department_id=department_id)
    if active_delegations_to(user).exists():
        own |= Q(pk__in=approvable_actions(user).values("pk"))
    return qs.filter(own)


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(level, 0)


def unread_notifications(user: User) -> QuerySet[Notice]:
    """The person's unread off-script notices (the approvals page's list)."""
    return notices_for(user=user, unread_only=True, prefix="offscript.")


def actions_with_relations(qs: QuerySet[OffscriptAction]) -> QuerySet[OffscriptAction]:
    return qs.select_related(
        "ticket__customer", "agent", "kind", "reason_code", "decided_by", "approver", "ticket__queue"
    )


def _pending_close_refusal() -> str:
    from django.utils.translation import gettext as _

    return _("An off-script request on this ticket is waiting for approval; decide or withdraw it before closing.")


def pending_close_guard(ticket: Ticket, new_status: str) -> str | None:
    """A ticket with an undecided off-script request cannot be closed (tickets.hooks.transition_guards)."""
    if new_status != "closed":
        return None
    if OffscriptAction.objects.filter(ticket_id=ticket.pk, status=ActionStatus.PENDING).exists():
        return _pending_close_refusal()
    return None


def pending_close_refusals(tickets: list[Ticket], new_status: str) -> dict[int, str]:
    """The guard's batch form (a bulk change closing many tickets): one query for all of them."""
    if new_status != "closed" or not tickets:
        return {}
    waiting = OffscriptAction.objects.filter(ticket_id__in=[t.pk for t in tickets], status=ActionStatus.PENDING)
    return {pk: _pending_close_refusal() for pk in set(waiting.values_list("ticket_id", flat=True))}


pending_close_guard.many = pending_close_refusals
