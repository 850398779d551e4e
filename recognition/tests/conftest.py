import pytest

from tickets.tests.factories import UserFactory


@pytest.fixture
def billing_lead(billing):
    user = UserFactory(username="bea", first_name="Bea", last_name="Moura", role="lead", department=billing)
    billing.lead = user
    billing.save(update_fields=["lead"])
    return user


@pytest.fixture
def outsider(db):
    """Signed in, but not staff: no group."""
    return UserFactory(username="visitor", role=None)
