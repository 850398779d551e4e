"""A bulk change of priority and tags is applied in a few statements: the result must be what the
single-ticket services give, ticket by ticket (values, SLA targets, one history row per change)."""

import datetime as dt

import pytest

from tickets import services
from tickets.models import EventKind, Priority, Queue, SlaPolicy, Ticket
from tickets.services_bulk import bulk_change
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(db):
    for priority, first, resolution in [("normal", 240, 2880), ("urgent", 30, 240)]:
        SlaPolicy.objects.update_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )


def _state(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    history = [(e.kind, e.old_value, e.new_value, e.actor_id) for e in ticket.events.exclude(kind=EventKind.CREATED)]
    return (
        ticket.priority,
        ticket.first_response_due,
        ticket.resolution_due,
        sorted(ticket.tags.values_list("name", flat=True)),
        history,
    )


def test_a_batched_bulk_change_equals_the_single_services_ticket_by_ticket(agent, support_queue, policies):
    by_hand = [TicketFactory(queue=support_queue, status="open") for _ in range(3)]
    in_bulk = [TicketFactory(queue=support_queue, status="open", created_at=t.created_at) for t in by_hand]
    for ticket in (by_hand[1], in_bulk[1]):
        services.set_tags(ticket=ticket, names=["old", "vip"], by=agent)
    for ticket in (by_hand[2], in_bulk[2]):
        services.set_priority(ticket=ticket, priority=Priority.URGENT, by=agent)
    for ticket in by_hand:
        services.set_priority(ticket=ticket, priority=Priority.URGENT, by=agent)
        current = set(ticket.tags.values_list("name", flat=True))
        services.set_tags(ticket=ticket, names=sorted((current | {"courier"}) - {"old"}), by=agent)
    results = bulk_change(
        by=agent,
        ids=[t.pk for t in in_bulk],
        changes={"priority": "urgent", "add_tags": ["Courier"], "remove_tags": ["old"]},
    )
    assert [r.ok for r in results] == [True, True, True]
    for hand, bulk in zip(by_hand, in_bulk, strict=True):
        assert _state(hand) == _state(bulk)


def test_a_batched_change_leaves_unseen_tickets_alone_and_reports_them(agent, support_queue, billing_queue):
    mine = TicketFactory(queue=support_queue, status="open")
    theirs = TicketFactory(queue=billing_queue, status="open")
    results = bulk_change(by=agent, ids=[theirs.pk, mine.pk], changes={"priority": "high", "add_tags": ["x"]})
    assert [(r.id, r.ok, r.error) for r in results] == [(theirs.pk, False, "Not found."), (mine.pk, True, "")]
    theirs.refresh_from_db()
    assert theirs.priority == "normal" and not theirs.tags.exists() and not theirs.events.exists()


def test_an_unknown_priority_in_bulk_is_refused_naming_it(agent, support_queue):
    from helpdesk.errors import DomainError

    ticket = TicketFactory(queue=support_queue, status="open")
    with pytest.raises(DomainError) as refused:
        bulk_change(by=agent, ids=[ticket.pk], changes={"priority": "asap"})
    assert refused.value.field == "priority"


# --- status, assignee and queue: the batched steps against apply_changes, ticket by ticket ------------


@pytest.fixture
def neighbours(db, manager, support_queue, billing_queue, monkeypatch):
    """What hangs on a ticket change: a survey on solve (one per customer per 30 days), a rule on each kind of
    change, a webhook (its deliveries recorded, never sent) and a field required to solve."""
    from automations import services as rules
    from feedback.models import SurveySettings
    from tickets.services_fields import create_ticket_field
    from webhooks import services as webhooks
    from webhooks.models import Webhook

    SurveySettings.objects.create(queue=support_queue, delay_seconds=86400, exclusion_days=30)
    create_ticket_field(by=manager, key="product", label="Product", type="text", required_to_solve=True)
    create_ticket_field(by=manager, key="size", label="Size", type="text")
    for name, field, value, action in [
        ("Thank on solve", "status", "solved", {"type": "add_tags", "value": ["thanked"]}),
        ("Billing is high", "queue", "billing", {"type": "set_priority", "value": "high"}),
        ("Pending is watched", "status", "pending", {"type": "add_note", "value": "Waiting on the customer."}),
        ("Lamps are fragile", "field.product", "lamp", {"type": "add_tags", "value": ["fragile"]}),
    ]:
        value = str(Queue.objects.get(slug=value).pk) if field == "queue" else value
        rules.create_rule(
            name=name,
            event="ticket_updated",
            conditions=[{"field": field, "operator": "is", "value": value}],
            actions=[action],
        )
    Webhook.objects.create(url="https://hooks.example.com/in", events=["ticket.updated", "ticket.solved"], secret="s")
    monkeypatch.setattr(webhooks, "publish", lambda ids, **kw: None)


def _full_state(ticket: Ticket) -> dict:
    """Everything a user could notice on one ticket, without ids and clocks."""
    import json

    from automations.models import RuleRun
    from feedback.models import Survey
    from webhooks.models import Delivery

    ticket.refresh_from_db()
    deliveries = []
    for delivery in Delivery.objects.order_by("created_at", "event"):
        data = json.loads(delivery.body)["data"]
        if data["ticket"]["id"] == ticket.pk:
            shown = {
                k: v
                for k, v in data["ticket"].items()
                if k not in ("id", "reference", "subject", "customer_email", "created_at", "updated_at")
            }
            deliveries.append((delivery.event, data.get("change"), data["actor"], data["by_rule"] is None, shown))
    history = [
        (e.kind, e.old_value, e.new_value, e.actor_id, e.by_rule_id if hasattr(e, "by_rule_id") else e.by_rule)
        for e in ticket.events.exclude(kind=EventKind.CREATED).order_by("pk")
    ]
    return {
        "values": (ticket.status, ticket.assignee_id, ticket.queue_id, ticket.priority, ticket.fields),
        "times": (ticket.solved_at is None, ticket.closed_at is None, ticket.first_response_due),
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
        "history": history,
        "notes": list(ticket.messages.filter(kind="note").values_list("body", flat=True)),
        "surveys": list(Survey.objects.filter(ticket=ticket).values_list("status", "skip_reason", "agent_id")),
        "rules": sorted(RuleRun.objects.filter(ticket=ticket).values_list("rule__name", flat=True)),
        "webhooks": deliveries,
    }


def _by_hand(tickets: list[Ticket], changes: dict, by) -> list[tuple]:
    from helpdesk.errors import DomainError
    from tickets.services_bulk import apply_changes

    results = []
    for ticket in tickets:
        try:
            apply_changes(ticket=Ticket.objects.get(pk=ticket.pk), changes=changes, by=by)
        except DomainError as exc:
            results.append((False, str(exc.message), exc.field or ""))
        else:
            results.append((True, "", ""))
    return results


def _twins(specs: list[dict], customers: tuple) -> tuple[list[Ticket], list[Ticket]]:
    """The same tickets twice: one set changed by hand, the other in bulk (each set its own customers)."""
    from django.utils import timezone

    start = timezone.now()
    sets = []
    for own in customers:
        made = []
        for i, spec in enumerate(specs):
            spec = dict(spec)
            created = start - dt.timedelta(minutes=len(specs) - i)
            made.append(TicketFactory(customer=own[spec.pop("who", 0)], created_at=created, **spec))
        sets.append(made)
    return sets[0], sets[1]


SOLVE_SPECS = [
    {"status": "open", "fields": {"product": "laptop"}},
    {"status": "pending", "fields": {"product": "phone"}},  # same customer: recently surveyed
    {"status": "open", "who": 1},  # the required field is empty: refused, fields.product
    {"status": "closed", "fields": {"product": "x"}, "who": 1},  # a closed ticket cannot be solved: refused, status
    {"status": "new", "fields": {"product": "tv"}, "who": 1},
    {"status": "solved", "fields": {"product": "tv"}, "who": 1},  # already solved: nothing happens
]


@pytest.mark.parametrize(
    ("specs", "changes"),
    [
        pytest.param(SOLVE_SPECS, {"status": "solved"}, id="solve: surveys, rule, webhooks, guards refusing"),
        pytest.param(
            [{"status": "new"}, {"status": "open", "assignee": "agent"}, {"status": "pending"}],
            {"assignee": "teammate"},
            id="assign: new tickets open",
        ),
        pytest.param(
            [{"status": "open", "assignee": "agent"}, {"status": "new"}, {"status": "open", "assignee": "agent"}],
            {"queue": "billing", "assignee": "agent"},
            id="queue then assignee: refused after the move, undone",
        ),
        pytest.param(
            [{"status": "open"}, {"status": "pending"}, {"status": "solved"}, {"status": "open", "who": 1}],
            {"queue": "billing", "status": "pending"},
            id="queue and status: rules on each",
        ),
        pytest.param(
            [
                {"status": "open"},
                {"status": "pending", "priority": "low"},
                {"status": "new", "fields": {"product": "z"}},
            ],
            {"status": "solved", "fields": {"product": "lamp"}, "priority": "urgent"},
            id="fields, priority and solve in one change",
        ),
        pytest.param(
            [{"status": "open"}, {"status": "open", "fields": {"product": "lamp"}}, {"status": "pending"}],
            {"fields": {"product": "lamp", "size": "xl"}},
            id="two fields: two events per ticket, the rule on each",
        ),
    ],
)
def test_batched_status_assignee_and_queue_equal_the_single_services(
    specs, changes, agent, teammate, support_queue, billing_queue, neighbours, django_capture_on_commit_callbacks
):
    from tickets.tests.factories import CustomerFactory

    people = {"agent": agent, "teammate": teammate}
    specs = [
        {**spec, "queue": support_queue, **({"assignee": people[spec["assignee"]]} if "assignee" in spec else {})}
        for spec in specs
    ]
    changes = {
        **changes,
        **({"assignee": people[changes["assignee"]]} if "assignee" in changes else {}),
        **({"queue": billing_queue} if "queue" in changes else {}),
    }
    by_hand, in_bulk = _twins(specs, ((CustomerFactory(), CustomerFactory()), (CustomerFactory(), CustomerFactory())))
    with django_capture_on_commit_callbacks(execute=True):
        hand_results = _by_hand(by_hand, changes, agent)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_results = bulk_change(by=agent, ids=[t.pk for t in in_bulk], changes=changes)
    assert [(r.ok, r.error, r.field) for r in bulk_results] == hand_results
    assert any(ok for ok, _e, _f in hand_results)
    for hand, bulk in zip(by_hand, in_bulk, strict=True):
        assert _full_state(bulk) == _full_state(hand)


def test_solving_in_bulk_schedules_surveys_runs_rules_and_records_webhooks(
    agent, support_queue, neighbours, django_capture_on_commit_callbacks
):
    from automations.models import RuleRun
    from feedback.models import Survey
    from tickets.tests.factories import CustomerFactory
    from webhooks.models import Delivery

    tickets = [TicketFactory(queue=support_queue, status="open", customer=CustomerFactory(), fields={"product": "a"})]
    tickets.append(TicketFactory(queue=support_queue, status="open"))  # no product: refused
    with django_capture_on_commit_callbacks(execute=True):
        results = bulk_change(by=agent, ids=[t.pk for t in tickets], changes={"status": "solved"})
    assert [(r.ok, r.field) for r in results] == [(True, ""), (False, "fields.product")]
    assert list(Survey.objects.values_list("ticket_id", "status")) == [(tickets[0].pk, "scheduled")]
    assert list(RuleRun.objects.values_list("ticket_id", "rule__name")) == [(tickets[0].pk, "Thank on solve")]
    assert sorted(Delivery.objects.values_list("event", flat=True)) == [
        "ticket.solved",
        "ticket.updated",
        "ticket.updated",
    ]
    tickets[1].refresh_from_db()
    assert tickets[1].status == "open" and not tickets[1].events.exists()
