"""Two actions at the same moment never take an agent past a budget: real parallel requests, each
thread with its own PostgreSQL connection, racing through the API."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from agents import selectors
from agents.models import ActionStatus, OffscriptAction
from agents.tests.factories import DiscretionPolicyFactory, kind, set_limits
from helpdesk.testing import require_postgres
from tickets.tests.factories import CustomerFactory, TicketFactory

PARALLEL = 8


def fire_in_parallel(user, payloads: list[dict]) -> list[int]:
    """POST every payload at once from its own thread (own DB connection); returns the status codes."""
    barrier = threading.Barrier(len(payloads))
    codes: list[int] = [0] * len(payloads)

    def worker(index: int, payload: dict) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=30)
            codes[index] = client.post("/api/offscript-actions/", payload, format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


@pytest.fixture
def racing_agent(seeded_kinds, support_queue, agent, lead):
    require_postgres()
    policy = DiscretionPolicyFactory(name="Agents", role="agent")
    set_limits(policy, "refund", per_action_limit=50, period_budget=200, customer_budget=100, manager_threshold=150)
    return agent


@pytest.mark.django_db(transaction=True)
def test_parallel_actions_never_exceed_the_monthly_budget(racing_agent, support_queue):
    # Eight tickets of eight customers: only the agent's monthly budget (200 = four of 50) binds.
    tickets = [
        TicketFactory(queue=support_queue, customer=CustomerFactory(), assignee=racing_agent, status="open")
        for _ in range(PARALLEL)
    ]
    payloads = [{"ticket": t.pk, "kind": "refund", "amount": "50.00", "reason": "Race"} for t in tickets]
    codes = fire_in_parallel(racing_agent, payloads)
    assert codes == [201] * PARALLEL
    statuses = list(OffscriptAction.objects.values_list("status", flat=True))
    assert statuses.count(ActionStatus.APPROVED) == 4
    assert statuses.count(ActionStatus.PENDING) == 4
    assert selectors.spent_by_agent(agent=racing_agent, kind=kind("refund")) == Decimal("200.00")


@pytest.mark.django_db(transaction=True)
def test_parallel_actions_by_different_agents_never_exceed_a_customers_budget(racing_agent, support_queue, teammate):
    # One customer, several agents, each on their own ticket: the customer's 100 is two of 50.
    customer = CustomerFactory()
    agents = [racing_agent, teammate]
    tickets = [
        TicketFactory(queue=support_queue, customer=customer, assignee=agents[i % 2], status="open")
        for i in range(PARALLEL)
    ]
    barrier_payloads = {
        0: [{"ticket": t.pk, "kind": "refund", "amount": "50.00", "reason": "Race"} for t in tickets[::2]],
        1: [{"ticket": t.pk, "kind": "refund", "amount": "50.00", "reason": "Race"} for t in tickets[1::2]],
    }
    results: dict[int, list[int]] = {}

    def run(index):
        results[index] = fire_in_parallel(agents[index], barrier_payloads[index])

    runners = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=90)
    assert results[0] + results[1] == [201] * PARALLEL
    approved = OffscriptAction.objects.filter(status=ActionStatus.APPROVED)
    assert approved.count() == 2
    assert selectors.spent_on_customer(customer_id=customer.pk, kind=kind("refund")) == Decimal("100.00")
