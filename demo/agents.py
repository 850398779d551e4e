"""Demo data for off-script latitude (idempotent): role policies, a new-agent policy, an override and a
boost, a past delegation, and about a hundred actions on the demo tickets over the last six months —
mostly approved within latitude, some approved or rejected by a lead or manager, a few still pending.

Runs after demo.tickets (which creates the people and tickets); with no tickets it creates no actions.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from agents import selectors, services
from agents.models import (
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
from tickets.models import EventKind, Status, Ticket, TicketEvent

RANDOM_SEED = 4
TARGET_ACTIONS = 100
HISTORY_DAYS = 180

# kind -> (per action, per month, per customer per month, manager above)
ROLE_LIMITS = {
    "agent": {
        "refund": (50, 400, 100, 150),
        "account-credit": (40, 300, 80, 120),
        "fee-waiver": (30, 250, 60, 100),
        "replacement": (80, 500, 160, 250),
        "goodwill": (25, 150, 50, 80),
        "policy-exception": (1, 4, 1, 1),
    },
    "lead": {
        "refund": (150, 1200, 300, 400),
        "account-credit": (120, 900, 250, 300),
        "fee-waiver": (100, 700, 200, 250),
        "replacement": (200, 1500, 400, 600),
        "goodwill": (80, 500, 150, 200),
        "policy-exception": (1, 10, 2, 2),
    },
    "manager": {
        "refund": (500, 5000, 1000, 2000),
        "account-credit": (400, 4000, 800, 1000),
        "fee-waiver": (300, 3000, 600, 500),
        "replacement": (800, 6000, 1500, 1500),
        "goodwill": (250, 2000, 500, 300),
        "policy-exception": (3, 30, 5, 5),
    },
}
NEW_AGENT_LIMITS = {
    "refund": (20, 150, 40, 100),
    "goodwill": (10, 60, 20, 50),
    "policy-exception": (0, 0, 0, 1),
}
REASONS = {
    "refund": ["Charged twice for the same order", "Parcel arrived two weeks late", "Item not as described"],
    "account-credit": ["Service outage last weekend", "Long wait on the phone line", "Missed callback"],
    "fee-waiver": ["Late fee after our own billing error", "Cancellation within the first week"],
    "replacement": ["Arrived broken", "Wrong size sent", "Upgrade instead of a second repair"],
    "goodwill": ["Loyal customer since 2019, third problem this year", "Birthday order went wrong"],
    "policy-exception": [
        "Return after 40 days: was in hospital",
        "Exchange without receipt, order found in our system",
    ],
}
AMOUNT_RANGE = {
    "refund": (8, 140),
    "account-credit": (5, 90),
    "fee-waiver": (5, 60),
    "replacement": (20, 220),
    "goodwill": (5, 45),
}


def seed(stdout) -> None:
    kinds = {k.slug: k for k in OffscriptKind.objects.all()}
    if not kinds:
        stdout.write("Off-script: no kinds (migrations not run?), nothing seeded.")
        return
    _policies(kinds)
    tickets = list(
        Ticket.objects.filter(assignee__isnull=False, created_at__gte=timezone.now() - dt.timedelta(days=HISTORY_DAYS))
        .select_related("assignee__profile__department", "customer")
        .order_by("id")
    )
    if not tickets:
        stdout.write("Off-script: no demo tickets, no actions created.")
        return
    if OffscriptAction.objects.exists():
        stdout.write("Off-script: actions already present, left as they are.")
        return
    _delegation()
    count = _actions(random.Random(RANDOM_SEED), tickets, kinds)
    stdout.write(f"Off-script: policies for agents, leads, managers and new agents; {count} actions.")


def _limits(policy: DiscretionPolicy, kinds, table) -> None:
    for slug, (per_action, month, customer, manager) in table.items():
        if slug in kinds:
            PolicyLimit.objects.get_or_create(
                policy=policy,
                kind=kinds[slug],
                defaults={
                    "per_action_limit": Decimal(per_action),
                    "period_budget": Decimal(month),
                    "customer_budget": Decimal(customer),
                    "manager_threshold": Decimal(manager),
                },
            )
    services.publish_policy_version(policy=policy)


def _policies(kinds) -> None:
    names = {"agent": "Agents", "lead": "Team leads", "manager": "Managers"}
    for role, table in ROLE_LIMITS.items():
        policy = DiscretionPolicy.objects.filter(scope=PolicyScope.ROLE, role=role, active=True).first()
        if policy is None:
            policy = DiscretionPolicy.objects.create(name=names[role], scope=PolicyScope.ROLE, role=role)
        _limits(policy, kinds, table)
    new, _ = DiscretionPolicy.objects.get_or_create(
        name="New agents (first 60 days)", scope=PolicyScope.NEW_AGENT, defaults={"new_agent_days": 60}
    )
    _limits(new, kinds, NEW_AGENT_LIMITS)
    people = {u.username: u for u in User.objects.filter(username__in=["ana", "bruno"])}
    if "bruno" in people:
        # Billing sees many fee disputes: Bruno may waive more on his own.
        override, _ = DiscretionPolicy.objects.get_or_create(
            name="Bruno: fee disputes", scope=PolicyScope.AGENT, user=people["bruno"]
        )
        _limits(override, kinds, {"fee-waiver": (60, 500, 120, 150)})
    if "ana" in people:
        today = timezone.localdate()
        boost, created = DiscretionPolicy.objects.get_or_create(
            name="Ana: holiday-season boost",
            scope=PolicyScope.AGENT,
            user=people["ana"],
            defaults={"starts_on": today - dt.timedelta(days=10), "ends_on": today + dt.timedelta(days=21)},
        )
        _limits(boost, kinds, {"refund": (80, 600, 150, 150), "goodwill": (40, 200, 60, 80)})


def _delegation() -> None:
    people = {u.username: u for u in User.objects.filter(username__in=["lena", "tomas"])}
    if len(people) == 2 and not Delegation.objects.exists():
        start = timezone.now() - dt.timedelta(days=45)
        Delegation.objects.create(
            from_user=people["lena"],
            to_user=people["tomas"],
            starts_at=start,
            ends_at=start + dt.timedelta(days=7),
            note="Lena on holiday",
        )


def _actions(rng: random.Random, tickets: list[Ticket], kinds) -> int:
    can_act = set(User.objects.filter(groups__name__in=["agent", "lead"]).values_list("pk", flat=True))
    staff = [t for t in tickets if t.assignee_id in can_act]
    codes: dict[int, list[ReasonCode]] = {}
    for code in ReasonCode.objects.filter(active=True).order_by("pk"):
        codes.setdefault(code.kind_id, []).append(code)
    if not staff:
        return 0
    chosen = rng.sample(staff, min(TARGET_ACTIONS, len(staff)))
    open_tickets = [t for t in chosen if t.status in (Status.NEW, Status.OPEN, Status.PENDING)]
    # A few pending requests, on open tickets only (pending blocks closing), for the queue to show.
    pending_ids = {t.pk for t in open_tickets[:6]}
    weights = {
        "refund": 5,
        "account-credit": 3,
        "fee-waiver": 2,
        "replacement": 2,
        "goodwill": 3,
        "policy-exception": 1,
    }
    slugs = [s for s in weights if s in kinds]
    limits_cache: dict[int, dict] = {}
    count = 0
    for ticket in chosen:
        agent = ticket.assignee
        slug = rng.choices(slugs, weights=[weights[s] for s in slugs])[0]
        kind = kinds[slug]
        if agent.pk not in limits_cache:
            limits_cache[agent.pk] = selectors.limits_for(agent, list(kinds.values()))
        limits = limits_cache[agent.pk][kind.pk]
        when = max(ticket.created_at, timezone.now() - dt.timedelta(days=HISTORY_DAYS)) + dt.timedelta(
            hours=rng.uniform(1, 30)
        )
        when = min(when, timezone.now() - dt.timedelta(hours=1))
        amount = None
        if kind.has_amount:
            low, high = AMOUNT_RANGE.get(slug, (5, 50))
            amount = Decimal(rng.uniform(low, high)).quantize(Decimal("0.01"))
            if rng.random() < 0.6:  # most gestures are round numbers
                amount = Decimal(int(amount / 5) * 5 or 5).quantize(Decimal("0.01"))
        units = amount if amount is not None else Decimal(1)
        within = units <= limits.per_action_limit
        action = OffscriptAction(
            ticket=ticket,
            agent=agent,
            kind=kind,
            amount=amount,
            currency=kind.currency if kind.has_amount else "",
            reason_code=rng.choice(codes[kind.pk]) if codes.get(kind.pk) and rng.random() < 0.7 else None,
            reason=rng.choice(REASONS[slug]),
            customer_note=rng.choice(["", "", "We are sorry for the trouble; this is on us."]),
            created_at=when,
            limits_snapshot={**limits.snapshot(), "demo": True},
        )
        department = getattr(agent.profile, "department", None)
        lead = department.lead if department else None
        manager = department.manager if department else None
        level = ApprovalLevel.MANAGER if units > limits.manager_threshold else ApprovalLevel.LEAD
        approver = (lead if level == ApprovalLevel.LEAD and lead and lead != agent else None) or manager
        if ticket.pk in pending_ids and approver is not None:
            action.status = ActionStatus.PENDING
            action.created_at = timezone.now() - dt.timedelta(hours=rng.uniform(1, 18))
            action.approval_level, action.approver, action.routed_at = level, approver, action.created_at
            action.over_limits = ["per_action_limit"]
            if within and amount is not None:
                action.amount = (limits.per_action_limit + Decimal(rng.randint(5, 40))).quantize(Decimal("0.01"))
            elif within:
                action.over_limits = ["customer_budget"]
        elif within or approver is None:
            action.status, action.decided_at = ActionStatus.APPROVED, when
        else:
            action.over_limits = ["per_action_limit"]
            action.approval_level, action.approver, action.routed_at = level, approver, when
            action.decided_by = approver
            action.decided_at = when + dt.timedelta(hours=rng.uniform(0.5, 20))
            if rng.random() < 0.75:
                action.status, action.decision_note = (
                    ActionStatus.APPROVED,
                    rng.choice(["OK", "Fair", "Approved, thanks for asking"]),
                )
            else:
                action.status, action.decision_note = (
                    ActionStatus.REJECTED,
                    rng.choice(["Offer a credit instead", "Too much for this case", "Please attach the receipt"]),
                )
        action.save()
        TicketEvent.objects.create(
            ticket=ticket,
            actor=agent,
            kind=EventKind.OFFSCRIPT,
            new_value="approved" if action.self_approved else "approval_requested",
            data={"action": action.pk, "kind": slug, "amount": str(action.amount) if action.amount else None},
            created_at=action.created_at,
        )
        if action.decided_by_id:
            TicketEvent.objects.create(
                ticket=ticket,
                actor=action.decided_by,
                kind=EventKind.OFFSCRIPT,
                new_value=action.status,
                data={"action": action.pk, "note": action.decision_note},
                created_at=action.decided_at,
            )
        count += 1
    return count
