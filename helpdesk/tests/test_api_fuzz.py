"""schemathesis over the OpenAPI schema (/api/schema/), as an agent and as a manager with real tokens:
no 5xx for anything it sends, and every response matches the schema (status, content type, body).

Deterministic (derandomize) and bounded (FUZZ_EXAMPLES per operation) so CI stays quick."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationConfig
from schemathesis.specs.openapi.checks import ignored_auth

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("LATITUDE_FUZZ_EXAMPLES", "12"))


def _schema_dict() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _wsgi():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# Our real token is the credential; generated session cookies would make schemathesis' auth check read
# a good answer to a valid token as "accepted an invented credential".
schema = schemathesis.from_dict(
    _schema_dict(),
    app=_wsgi(),
    base_url="/",
    validate_schema=False,
    generation_config=GenerationConfig(with_security_parameters=False),
)

FUZZ_SETTINGS = hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request through the WSGI app must not close the connection the test's
    transaction is on (close_old_connections would, on PostgreSQL, inside the atomic block)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, agent, teammate, other_agent, lead, manager, admin_user, ticket, billing_queue):
    """Real objects for the fuzzer's ids to hit: tickets in both departments, a message, a kudos."""
    from rest_framework.authtoken.models import Token

    from recognition.tests.factories import KudosFactory
    from tickets.services import add_message
    from tickets.tests.factories import TicketFactory

    add_message(ticket=ticket, by=agent, body="We are looking into it.")
    TicketFactory(queue=billing_queue, status="new")
    KudosFactory(giver=teammate, recipient=agent, message="Thanks")
    return {
        "agent": Token.objects.get_or_create(user=agent)[0].key,
        "manager": Token.objects.get_or_create(user=manager)[0].key,
    }


def _check(case, token: str) -> None:
    from django.core.cache import cache

    cache.clear()  # throttles and rate limits count in the cache: the fuzzer is not a flood
    response = case.call_wsgi(headers={"Authorization": f"Token {token}"})
    # schemathesis' ignored_auth check cannot tell our explicit token from a generated credential here;
    # that every API address refuses the anonymous is proven by the permission matrix instead.
    case.validate_response(response, excluded_checks=[ignored_auth])


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_as_an_agent(case, world):
    _check(case, world["agent"])


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_as_a_manager(case, world):
    _check(case, world["manager"])
