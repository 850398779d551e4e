"""Personas come from the root conftest (agent=ana, teammate, other_agent=bruno, lead=lena, manager=marta);
here: the role policies every test starts from.

Agents: refund 50 per action, 200 a month, 100 per customer a month, manager above 150; policy
exceptions: 1 per action, 3 a month, 1 per customer, always a lead (threshold 1).
"""

import pytest

from agents.tests.factories import DiscretionPolicyFactory, set_limits
from tickets.tests.factories import CustomerFactory, TicketFactory


@pytest.fixture
def agent_policy(db):
    policy = DiscretionPolicyFactory(name="Agents", role="agent")
    set_limits(policy, "refund")
    set_limits(policy, "policy-exception", per_action_limit=1, period_budget=3, customer_budget=1, manager_threshold=1)
    return policy


@pytest.fixture
def lead_policy(db):
    policy = DiscretionPolicyFactory(name="Leads", role="lead")
    set_limits(policy, "refund", per_action_limit=100, period_budget=500, customer_budget=300, manager_threshold=300)
    return policy


@pytest.fixture
def policies(agent_policy, lead_policy):
    return agent_policy, lead_policy


@pytest.fixture
def staffed(lead, manager, policies):
    """Support has its lead (lena) and manager (marta); the role policies exist."""
    return lead, manager


@pytest.fixture
def other_ticket(support_queue, agent):
    """A ticket of another customer in the same department."""
    return TicketFactory(
        subject="Broken lamp", queue=support_queue, customer=CustomerFactory(), assignee=agent, status="open"
    )


@pytest.fixture
def seeded_kinds(transactional_db):
    """Transactional tests flush the tables, data-migration rows included: seed the kinds again, as the
    migration does (idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module("agents.migrations.0002_seed_kinds").seed(apps, None)
