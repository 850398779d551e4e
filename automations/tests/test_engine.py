"""Rules on events: conditions, actions, ordering, no chains, failures, query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations import services
from automations.engine import forget_rules
from automations.models import RuleRun
from tickets import services as ticket_services
from tickets.models import EventKind, Ticket, TicketEvent, TicketField


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget_rules()
    yield
    forget_rules()


def new_ticket(queue, subject="My invoice is wrong", body="Please refund", email="cliente@example.pt", **kw):
    return ticket_services.create_ticket(subject=subject, body=body, customer_email=email, queue=queue, **kw)


def rule(event="ticket_created", conditions=(), actions=(), **kw):
    return services.create_rule(
        name=kw.pop("name", "A rule"), event=event, conditions=list(conditions), actions=list(actions), **kw
    )


def tags_of(ticket):
    return sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "condition,matches",
    [
        ({"field": "subject", "operator": "contains", "value": "INVOICE"}, True),
        ({"field": "subject", "operator": "not_contains", "value": "invoice"}, False),
        ({"field": "subject", "operator": "is", "value": "my invoice is wrong"}, True),
        ({"field": "subject", "operator": "is_not", "value": "my invoice is wrong"}, False),
        ({"field": "body", "operator": "contains", "value": "refund"}, True),
        ({"field": "priority", "operator": "is", "value": "normal"}, True),
        ({"field": "channel", "operator": "is", "value": "web"}, True),
        ({"field": "language", "operator": "is_not", "value": "en"}, True),
        ({"field": "status", "operator": "is", "value": "new"}, True),
        ({"field": "customer_email", "operator": "contains", "value": "@example.pt"}, True),
        ({"field": "tags", "operator": "contains", "value": "vip"}, True),
        ({"field": "tags", "operator": "not_contains", "value": ["vip"]}, False),
        ({"field": "had_offscript", "operator": "is", "value": False}, True),
        ({"field": "customer.last_rating", "operator": "is", "value": [1, 2]}, False),
        ({"field": "field.plan", "operator": "is", "value": "gold"}, False),
    ],
)
def test_each_condition_decides_whether_the_rule_acts(support_queue, condition, matches):
    TicketField.objects.get_or_create(key="plan", defaults={"label": "Plan", "type": "choice", "choices": ["gold"]})
    rule(conditions=[condition], actions=[{"type": "add_tags", "value": ["matched"]}])
    ticket = new_ticket(support_queue, language="pt", tags=["vip"])
    assert ("matched" in tags_of(ticket)) is matches


@pytest.mark.django_db
def test_the_queue_condition_compares_ids(support_queue, billing_queue):
    rule(
        conditions=[{"field": "queue", "operator": "is", "value": str(support_queue.pk)}],
        actions=[{"type": "set_queue", "value": billing_queue.pk}],
    )
    ticket = new_ticket(support_queue)
    assert Ticket.objects.get(pk=ticket.pk).queue == billing_queue


@pytest.mark.django_db
def test_actions_write_through_services_recorded_as_made_by_the_rule(support_queue, agent, lead):
    r = rule(
        actions=[
            {"type": "add_tags", "value": ["billing", "urgent-ish"]},
            {"type": "remove_tags", "value": ["spam"]},
            {"type": "set_priority", "value": "high"},
            {"type": "assign_to", "value": "ana"},
            {"type": "add_note", "value": "Routed by rule"},
            {"type": "set_status", "value": "pending"},
            {"type": "notify", "value": "lena"},
        ]
    )
    ticket = new_ticket(support_queue, tags=["spam"])
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.priority, fresh.assignee, fresh.status) == ("high", agent, "pending")
    assert tags_of(ticket) == ["billing", "urgent-ish"]
    by_rule = set(TicketEvent.objects.filter(ticket=ticket, by_rule=r.pk).values_list("kind", flat=True))
    assert {EventKind.TAGS, EventKind.PRIORITY, EventKind.ASSIGNEE, EventKind.NOTE, EventKind.STATUS} <= by_rule
    from notices.models import Notice

    assert Notice.objects.filter(user=lead, kind="automations.rule").exists()
    assert RuleRun.objects.get(rule=r, ticket=ticket).errors == []


@pytest.mark.django_db
def test_rules_run_in_position_order(support_queue):
    rule(name="second", position=2, actions=[{"type": "set_priority", "value": "urgent"}])
    rule(name="first", position=1, actions=[{"type": "set_priority", "value": "low"}])
    ticket = new_ticket(support_queue)
    assert Ticket.objects.get(pk=ticket.pk).priority == "urgent"


@pytest.mark.django_db
def test_a_rules_own_changes_do_not_fire_updated_rules(support_queue):
    rule(actions=[{"type": "set_priority", "value": "high"}])
    updated = rule(event="ticket_updated", actions=[{"type": "add_tags", "value": ["touched"]}])
    ticket = new_ticket(support_queue)
    assert "touched" not in tags_of(ticket)
    assert not RuleRun.objects.filter(rule=updated).exists()
    # A person's change does fire it, once.
    ticket_services.set_priority(ticket=ticket, priority="low", by=None)
    assert "touched" in tags_of(ticket)
    assert RuleRun.objects.filter(rule=updated, ticket=ticket).count() == 1


@pytest.mark.django_db
def test_customer_replied_rules_run_on_a_customer_message(support_queue):
    rule(
        event="customer_replied",
        conditions=[{"field": "body", "operator": "contains", "value": "still broken"}],
        actions=[{"type": "set_priority", "value": "high"}],
    )
    ticket = new_ticket(support_queue)
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"
    ticket_services.add_customer_message(ticket=ticket, body="It is still broken")
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


@pytest.mark.django_db
def test_an_action_that_cannot_apply_is_recorded_and_the_others_still_run(support_queue, agent):
    r = rule(actions=[{"type": "assign_to", "value": "ana"}, {"type": "add_tags", "value": ["after"]}])
    agent.is_active = False
    agent.save()
    ticket = new_ticket(support_queue)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert tags_of(ticket) == ["after"]
    errors = RuleRun.objects.get(rule=r, ticket=ticket).errors
    assert errors[0]["type"] == "assign_to" and "ana" in errors[0]["error"]


@pytest.mark.django_db
def test_a_refused_transition_never_refuses_the_ticket(support_queue):
    r = rule(actions=[{"type": "set_status", "value": "closed"}])
    ticket = new_ticket(support_queue)
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert RuleRun.objects.get(rule=r).errors[0]["type"] == "set_status"


@pytest.mark.django_db
def test_inactive_rules_do_nothing(support_queue):
    rule(active=False, actions=[{"type": "add_tags", "value": ["x"]}])
    assert tags_of(new_ticket(support_queue)) == []


@pytest.mark.django_db
def test_fifty_active_rules_add_at_most_two_queries_to_a_ticket_change(support_queue):
    ticket = new_ticket(support_queue, tags=["vip"])
    with CaptureQueriesContext(connection) as without:
        ticket_services.set_priority(ticket=ticket, priority="high", by=None)
    for i in range(50):
        rule(
            event="ticket_updated",
            name=f"rule {i}",
            conditions=[
                {"field": "priority", "operator": "is", "value": "low"},
                {"field": "tags", "operator": "contains", "value": f"t{i}"},
                {"field": "subject", "operator": "contains", "value": f"nothing {i}"},
                {"field": "customer_email", "operator": "is", "value": "nobody@example.com"},
            ][i % 4 :],
            actions=[{"type": "add_tags", "value": ["never"]}],
        )
    from automations.engine import active_rules

    active_rules()  # warm the cache, as every change after the first finds it
    with CaptureQueriesContext(connection) as with_rules:
        ticket_services.set_priority(ticket=ticket, priority="urgent", by=None)
    assert len(with_rules) - len(without) <= 2
    assert "never" not in tags_of(ticket)


@pytest.mark.django_db
def test_a_rule_deleted_after_the_list_was_cached_does_not_act(support_queue):
    from automations.engine import active_rules
    from automations.models import Rule

    r = rule(actions=[{"type": "add_tags", "value": ["stale"]}])
    active_rules()  # another process cached the list…
    Rule.objects.filter(pk=r.pk).delete()  # …then the rule went, bypassing the service that clears it
    ticket = new_ticket(support_queue)
    assert tags_of(ticket) == []
