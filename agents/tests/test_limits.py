"""Which limits apply: role policy, new-agent policy, per-agent override, temporary boost; versions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from agents import selectors, services
from agents.models import ActionStatus, PolicyScope
from agents.tests.factories import DiscretionPolicyFactory, kind, set_limits

pytestmark = pytest.mark.django_db


def refund_limits(user, today=None):
    return selectors.limits_for(user, [kind("refund")], today=today)[kind("refund").pk]


def test_kinds_are_seeded_by_the_migration():
    slugs = set(selectors.OffscriptKind.objects.values_list("slug", flat=True))
    assert {"refund", "account-credit", "fee-waiver", "replacement", "goodwill", "policy-exception"} <= slugs
    assert kind("policy-exception").has_amount is False
    assert kind("refund").reason_codes.filter(code="double-charge").exists()


def test_an_agent_gets_the_agent_role_policy(agent, agent_policy):
    limits = refund_limits(agent)
    assert limits.per_action_limit == Decimal("50.00")
    assert limits.policy_name == "Agents"


def test_a_lead_gets_the_more_generous_lead_policy(lead, policies):
    assert refund_limits(lead).per_action_limit == Decimal("100.00")


def test_a_kind_no_policy_covers_gives_no_latitude(agent, agent_policy):
    limits = selectors.limits_for(agent, [kind("goodwill")])[kind("goodwill").pk]
    assert limits.per_action_limit == 0 and limits.period_budget == 0


def test_a_new_agent_gets_smaller_limits_for_their_first_days(agent, agent_policy):
    new = DiscretionPolicyFactory(name="New agents", scope=PolicyScope.NEW_AGENT, role="", new_agent_days=30)
    set_limits(new, "refund", per_action_limit=10, period_budget=40)
    agent.profile.started_on = dt.date(2026, 3, 1)
    agent.profile.save()
    assert refund_limits(agent, today=dt.date(2026, 3, 20)).per_action_limit == Decimal("10.00")
    assert refund_limits(agent, today=dt.date(2026, 4, 1)).per_action_limit == Decimal("50.00")


def test_a_new_agent_policy_passes_kinds_it_does_not_cover_to_the_role_policy(agent, agent_policy):
    new = DiscretionPolicyFactory(name="New agents", scope=PolicyScope.NEW_AGENT, role="", new_agent_days=30)
    set_limits(new, "goodwill", per_action_limit=5)
    agent.profile.started_on = timezone.localdate()
    agent.profile.save()
    assert refund_limits(agent).policy_name == "Agents"


def test_a_per_agent_override_beats_the_role(agent, agent_policy):
    override = DiscretionPolicyFactory(name="Ana's override", scope=PolicyScope.AGENT, role="", user=agent)
    set_limits(override, "refund", per_action_limit=80)
    assert refund_limits(agent).per_action_limit == Decimal("80.00")


def test_a_temporary_boost_applies_until_its_end_date_then_the_override_returns(agent, agent_policy):
    override = DiscretionPolicyFactory(name="Override", scope=PolicyScope.AGENT, role="", user=agent)
    set_limits(override, "refund", per_action_limit=80)
    boost = DiscretionPolicyFactory(
        name="Black Friday boost", scope=PolicyScope.AGENT, role="", user=agent, ends_on=dt.date(2026, 11, 30)
    )
    set_limits(boost, "refund", per_action_limit=120)
    assert refund_limits(agent, today=dt.date(2026, 11, 30)).per_action_limit == Decimal("120.00")
    assert refund_limits(agent, today=dt.date(2026, 12, 1)).per_action_limit == Decimal("80.00")


def test_an_inactive_policy_is_ignored(agent, agent_policy):
    override = DiscretionPolicyFactory(name="Old", scope=PolicyScope.AGENT, role="", user=agent, active=False)
    set_limits(override, "refund", per_action_limit=999)
    assert refund_limits(agent).per_action_limit == Decimal("50.00")


def test_an_action_keeps_the_limits_in_force_when_it_was_taken(agent, ticket, staffed, agent_policy):
    services.publish_policy_version(policy=agent_policy)
    first = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="30", reason="Late")
    set_limits(agent_policy, "refund", per_action_limit=20)
    version = services.publish_policy_version(policy=agent_policy)
    second = services.record_offscript_action(ticket=ticket, by=agent, kind="refund", amount="30", reason="Late")
    first.refresh_from_db()
    assert first.status == ActionStatus.APPROVED
    assert first.limits_snapshot["per_action_limit"] == "50.00"
    assert first.limits_snapshot["version"] == 1
    assert second.status == ActionStatus.PENDING
    assert second.limits_snapshot["per_action_limit"] == "20.00"
    assert second.limits_snapshot["version"] == version.number == 2
    assert version.limits["refund"]["per_action_limit"] == "20.00"


def test_publishing_an_unchanged_policy_keeps_its_version(agent_policy):
    first = services.publish_policy_version(policy=agent_policy)
    again = services.publish_policy_version(policy=agent_policy)
    assert first.pk == again.pk and again.number == 1


@freeze_time("2026-05-31 23:30:00")
def test_the_period_is_the_calendar_month():
    start, end = selectors.period_bounds()
    assert (start.month, start.day, end.month, end.day) == (5, 1, 6, 1)
