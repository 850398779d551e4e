"""What a fuzzer sent the API, and the clear 4xx it now gets (never a 500); assignment across departments."""

import pytest
from rest_framework.test import APIClient

from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


@pytest.fixture
def ticket(support_queue, customer):
    return TicketFactory(queue=support_queue, customer=customer)


def test_the_api_assigns_only_to_staff_of_the_tickets_department(api, ticket, other_agent, teammate):
    refused = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": other_agent.username}, format="json")
    accepted = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": teammate.username}, format="json")

    assert refused.status_code == 400 and "assignee" in refused.json()
    assert accepted.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == teammate


def test_bulk_assignment_follows_the_same_rule(api, ticket, other_agent):
    response = api.post(
        "/api/tickets/bulk/", {"ids": [ticket.pk], "changes": {"assignee": other_agent.username}}, format="json"
    )
    ticket.refresh_from_db()

    assert ticket.assignee is None
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "path", ["/api/offscript-actions/abc/", "/api/offscript-actions/³/", "/api/offscript-actions/" + "9" * 30 + "/"]
)
def test_a_non_numeric_id_in_a_path_is_a_404(api, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("value", ["³", "٣", "9" * 40, "", " "])
def test_a_unicode_digit_or_overlong_number_as_assignee_is_a_400(api, ticket, value):
    response = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": value}, format="json")

    assert response.status_code == 400
    assert "assignee" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "assignee=³",
        "queue=³",
        "status=%00",
        "ordering=__nope",
        "customer=" + "9" * 40,
        "q=%ff",
        "page=-1",
        "assignee=9" * 3,
    ],
)
def test_bad_filter_values_never_give_a_500(api, ticket, query):
    assert api.get(f"/api/tickets/?{query}").status_code < 500
    assert api.get(f"/api/offscript-actions/?ticket=³&agent=³&{query}").status_code < 500


@pytest.mark.parametrize(
    "body", ['"just a string"', "[1, 2, 3]", "null", "{", '{"status": ["open"]}', '{"priority": {"a": 1}}']
)
def test_a_patch_of_nonsense_is_a_clear_4xx(api, ticket, body):
    response = api.generic("PATCH", f"/api/tickets/{ticket.pk}/", body, content_type="application/json")

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("body", ['"x"', "[1]", "null"])
def test_the_token_endpoint_refuses_nonsense_with_a_4xx(body):
    response = APIClient().generic("POST", "/api/auth/token/", body, content_type="application/json")

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example/", "\\\\evil.example"])
def test_next_never_sends_to_another_site(client, agent, customer, target):
    client.force_login(agent)
    TicketFactory(queue__department=agent.profile.department, customer=customer)

    response = client.post(f"/customers/{customer.pk}/edit/", {"name": "E", "language": "el", "next": target})

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"


TWENTY_DIGITS = "9" * 20
BIGINT_PLUS_ONE = str(2**63)  # 19 digits: just past PostgreSQL's bigint


@pytest.mark.parametrize("number", [TWENTY_DIGITS, BIGINT_PLUS_ONE])
@pytest.mark.parametrize(
    "path",
    [
        "/tickets/{n}/",
        "/customers/{n}/",
        "/attachments/{n}/",
        "/colleagues/reviews/{n}/",
        "/help/articles/{n}/",
        "/portal/tickets/{n}/",
        "/api/tickets/{n}/",
        "/api/tickets/{n}/messages/",
        "/api/kb/articles/{n}/",
        "/api/offscript-actions/{n}/",
        "/api/webhooks/{n}/",
        "/api/automations/{n}/",
    ],
)
def test_a_number_too_long_for_an_id_in_a_path_is_a_404(client, manager, path, number):
    client.force_login(manager)
    assert client.get(path.format(n=number)).status_code == 404


def test_every_numeric_path_argument_is_bounded_to_an_id():
    """`<int:…>` accepts any length of digits (a bigint overflow on PostgreSQL): URL patterns use `<id:…>`."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    unbounded = [
        route
        for route, entry in walk(get_resolver().url_patterns)
        if any(type(c) is IntConverter for c in getattr(entry.pattern, "converters", {}).values())
        and not route.startswith("admin/")
    ]
    assert unbounded == []


@pytest.mark.parametrize("field", ["ticket", "recipient"])
def test_an_overlong_number_in_a_body_is_a_400(api, ticket, field):
    url = "/api/offscript-actions/" if field == "ticket" else "/api/kudos/"
    body = {"ticket": TWENTY_DIGITS, "kind": "refund", "amount": "1.00", "reason": "x"}
    if field == "recipient":
        body = {"recipient": int(TWENTY_DIGITS), "message": "Thanks", "ticket": int(TWENTY_DIGITS)}
    response = api.post(url, body, format="json")
    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize("value", ["²", "³", "٣"])
def test_a_unicode_digit_as_a_rule_id_is_a_404(client, manager, value):
    client.force_login(manager)
    assert client.patch(f"/api/automations/{value}/", {}, content_type="application/json").status_code == 404
    assert client.get(f"/api/webhooks/{value}/").status_code == 404
