from decimal import Decimal

import factory

from agents.models import DiscretionPolicy, OffscriptKind, PolicyLimit, PolicyScope


def kind(slug: str) -> OffscriptKind:
    """The kinds are seeded by a data migration; tests use them as production does."""
    return OffscriptKind.objects.get(slug=slug)


class DiscretionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscretionPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")
    scope = PolicyScope.ROLE
    role = "agent"


class PolicyLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyLimit

    policy = factory.SubFactory(DiscretionPolicyFactory)
    kind = factory.LazyFunction(lambda: kind("refund"))
    per_action_limit = Decimal("50.00")
    period_budget = Decimal("200.00")
    customer_budget = Decimal("100.00")
    manager_threshold = Decimal("150.00")


def set_limits(policy: DiscretionPolicy, slug: str, **values) -> PolicyLimit:
    defaults = {
        "per_action_limit": Decimal("50.00"),
        "period_budget": Decimal("200.00"),
        "customer_budget": Decimal("100.00"),
        "manager_threshold": Decimal("150.00"),
    }
    defaults.update({k: Decimal(str(v)) for k, v in values.items()})
    limit, _ = PolicyLimit.objects.update_or_create(policy=policy, kind=kind(slug), defaults=defaults)
    return limit
